package io.relog.frontend.acl;

import io.relog.engine.command.Args;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which arguments of a command are keys, and whether the command reads or writes each: what
 * {@code %R~} and {@code %W~} key patterns are checked against.
 *
 * <p>The facts are Redis 7.0's key specs ({@code COMMAND INFO}), reduced in {@code key-specs.txt}
 * to a read flag (the spec has {@code access}: the command returns or uses the key's value) and a
 * write flag ({@code insert}, {@code delete} or {@code update}), and evaluated as Redis evaluates
 * key specs: a begin-search step (an index, or a keyword searched from a position) then a
 * find-keys step (a range, or a count read from an argument). Two commands need their own rule,
 * as in Redis, where a procedure refines the specs: {@code SET} writes without reading unless it
 * has {@code GET}, and {@code SORT}/{@code SORT_RO} read their key and write the {@code STORE}
 * destination. Immutable; any thread.
 */
final class KeySpecs {

    /** A key argument: its position in argv and the permissions it needs. */
    record KeyRef(int index, boolean read, boolean write) {
    }

    private record Spec(boolean read, boolean write, int index, String keyword, int startFrom,
                        boolean keynum, int a, int b, int c) {
    }

    private final Map<String, List<Spec>> specs;

    private KeySpecs(Map<String, List<Spec>> specs) {
        this.specs = specs;
    }

    /** The key specs shipped with Relog. */
    static KeySpecs load() {
        Map<String, List<Spec>> m = new HashMap<>();
        try (InputStream in = KeySpecs.class.getResourceAsStream("key-specs.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split(" ");
                List<Spec> l = new ArrayList<>();
                for (int i = 1; i < parts.length; i++) {
                    Spec s = parse(parts[i]);
                    if (s != null) {
                        l.add(s);
                    }
                }
                m.put(parts[0], List.copyOf(l));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KeySpecs(m);
    }

    private static Spec parse(String s) {
        String[] f = s.split(",");
        boolean read = f[0].contains("R");
        boolean write = f[0].contains("W");
        if (f[1].equals("u") || f[2].equals("u")) {
            return null; // Redis finds these keys with a procedure: see the special cases
        }
        int index = -1;
        String keyword = null;
        int startFrom = 0;
        if (f[1].charAt(0) == 'i') {
            index = Integer.parseInt(f[1].substring(1));
        } else {
            int colon = f[1].lastIndexOf(':');
            keyword = f[1].substring(1, colon).toLowerCase(java.util.Locale.ROOT);
            startFrom = Integer.parseInt(f[1].substring(colon + 1));
        }
        String[] n = f[2].substring(1).split(":");
        return new Spec(read, write, index, keyword, startFrom, f[2].charAt(0) == 'n',
                Integer.parseInt(n[0]), Integer.parseInt(n[1]), Integer.parseInt(n[2]));
    }

    /**
     * The keys of {@code argv} for command {@code fullName} ({@code "get"}, {@code "object|encoding"}),
     * in spec order; empty for a keyless command. Arguments that do not parse (a bad key count)
     * yield no keys from that spec: the command itself refuses them.
     */
    List<KeyRef> keys(String fullName, byte[][] argv) {
        List<KeyRef> out = new ArrayList<>(2);
        if (fullName.equals("sort") || fullName.equals("sort_ro")) {
            out.add(new KeyRef(1, true, false));
            for (int i = 2; i + 1 < argv.length; i++) {
                if (Args.is(argv[i], "store")) {
                    out.add(new KeyRef(i + 1, false, true));
                    i++;
                }
            }
            return out;
        }
        List<Spec> l = specs.get(fullName);
        if (l == null) {
            return out;
        }
        int argc = argv.length;
        for (Spec s : l) {
            int start;
            if (s.index >= 0) {
                start = s.index;
            } else {
                start = -1;
                if (s.startFrom >= 0) {
                    for (int i = s.startFrom; i < argc; i++) {
                        if (Args.is(argv[i], s.keyword)) {
                            start = i + 1;
                            break;
                        }
                    }
                } else {
                    for (int i = argc + s.startFrom; i > 0; i--) {
                        if (Args.is(argv[i], s.keyword)) {
                            start = i + 1;
                            break;
                        }
                    }
                }
                if (start < 0) {
                    continue;
                }
            }
            if (start >= argc) {
                continue;
            }
            int first;
            int last;
            int step;
            if (s.keynum) {
                int numIdx = start + s.a;
                if (numIdx >= argc) {
                    continue;
                }
                long num;
                try {
                    num = Args.parseLong(argv[numIdx]);
                } catch (Args.ArgException e) {
                    continue;
                }
                first = start + s.b;
                step = s.c;
                last = (int) Math.min(argc - 1L, first + (num - 1) * step);
            } else {
                first = start;
                step = s.b;
                if (s.a >= 0) {
                    last = first + s.a;
                } else if (s.c == 0) {
                    last = argc + s.a;
                } else {
                    last = first + ((argc - first) / s.c + s.a);
                }
            }
            boolean read = s.read;
            boolean write = s.write;
            if (fullName.equals("set")) {
                boolean get = false;
                for (int i = 3; i < argc; i++) {
                    get |= Args.is(argv[i], "get");
                }
                read = get;
                write = true;
            }
            for (int i = first; i <= last && i < argc; i += Math.max(1, step)) {
                out.add(new KeyRef(i, read, write));
            }
        }
        return out;
    }
}
