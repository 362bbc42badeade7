package io.relog.frontend.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration directive: its redis.conf name, default, how a value is checked and shown,
 * and whether {@code CONFIG SET} may change it while the server runs.
 *
 * <p>{@link #normalize} turns what the user wrote into the canonical form that {@code CONFIG GET}
 * reports (memory amounts in bytes, booleans as yes/no, enums lower-case), or throws
 * {@link IllegalArgumentException} whose message is Redis' reason text.
 */
public final class Directive {

    /** Checks and canonicalises a value; throws {@link IllegalArgumentException} with the reason. */
    @FunctionalInterface
    public interface ValueCheck {
        String normalize(String value);
    }

    private final String name;
    private final String defaultValue;
    private final boolean mutable;
    private final boolean multiArg;
    private final ValueCheck check;

    private Directive(String name, String defaultValue, boolean mutable, boolean multiArg, ValueCheck check) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.mutable = mutable;
        this.multiArg = multiArg;
        this.check = check;
    }

    public String name() {
        return name;
    }

    /** The canonical default value. */
    public String defaultValue() {
        return check.normalize(defaultValue);
    }

    /** Whether {@code CONFIG SET} may change it at run time. */
    public boolean mutable() {
        return mutable;
    }

    /** Whether a config line may carry several arguments (joined with spaces), like {@code bind} and {@code save}. */
    public boolean multiArg() {
        return multiArg;
    }

    /** The canonical form of {@code value}; throws {@link IllegalArgumentException} with Redis' reason. */
    public String normalize(String value) {
        return check.normalize(value);
    }

    // ------------------------------------------------------------------ kinds

    static Directive string(String name, String def, boolean mutable) {
        return new Directive(name, def, mutable, false, v -> v);
    }

    static Directive custom(String name, String def, boolean mutable, boolean multiArg, ValueCheck check) {
        return new Directive(name, def, mutable, multiArg, check);
    }

    static Directive bool(String name, String def, boolean mutable) {
        return new Directive(name, def, mutable, false, v -> {
            String s = v.toLowerCase(Locale.ROOT);
            if (s.equals("yes") || s.equals("no")) {
                return s;
            }
            throw new IllegalArgumentException("argument must be 'yes' or 'no'");
        });
    }

    static Directive integer(String name, long def, long min, long max, boolean mutable) {
        return new Directive(name, Long.toString(def), mutable, false, v -> {
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("argument couldn't be parsed into an integer");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
            }
            return Long.toString(n);
        });
    }

    static Directive memory(String name, String def, long min, long max, boolean mutable) {
        return new Directive(name, def, mutable, false, v -> {
            long n = MemoryUnits.parse(v);
            if (n < 0) {
                throw new IllegalArgumentException("argument must be a memory value");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
            }
            return Long.toString(n);
        });
    }

    static Directive oneOf(String name, String def, boolean mutable, String... values) {
        List<String> allowed = List.of(values);
        return new Directive(name, def, mutable, false, v -> {
            String s = v.toLowerCase(Locale.ROOT);
            if (allowed.contains(s)) {
                return s;
            }
            throw new IllegalArgumentException("argument(s) must be one of the following: " + String.join(", ", allowed));
        });
    }
}
