package io.relog.engine.keys;

import io.relog.engine.command.Args;
import io.relog.engine.command.Errors;

/**
 * Conversion of a command's expiry argument to an absolute Unix time in milliseconds, with
 * Redis 7.0's two sets of rules: the strict one of SET, SETEX, PSETEX and GETEX (the time must be
 * positive) and the lenient one of EXPIRE and friends (any time; one in the past deletes the key).
 * Both reject a value whose conversion to absolute milliseconds would overflow with
 * {@code ERR invalid expire time in '<command>' command}.
 */
public final class ExpireTimes {

    private ExpireTimes() {
    }

    /**
     * SET/GETEX rules: {@code arg} must be a positive integer.
     *
     * @param seconds  whether {@code arg} is in seconds (EX, EXAT) rather than milliseconds
     * @param relative whether {@code arg} is relative to {@code nowMs} (EX, PX) rather than a Unix time
     * @param command  lower-case command name for the error text
     * @return absolute Unix time in ms
     */
    public static long strict(byte[] arg, boolean seconds, boolean relative, long nowMs, String command) {
        long v = Args.parseLong(arg);
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            throw new Args.ArgException(Errors.invalidExpire(command));
        }
        if (seconds) {
            v *= 1000;
        }
        if (relative) {
            if (v > Long.MAX_VALUE - nowMs) {
                throw new Args.ArgException(Errors.invalidExpire(command));
            }
            v += nowMs;
        }
        return v;
    }

    /**
     * EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT rules: any integer, including negative ones.
     *
     * @return absolute Unix time in ms (possibly in the past, possibly negative)
     */
    public static long lenient(byte[] arg, boolean seconds, boolean relative, long nowMs, String command) {
        long v = Args.parseLong(arg);
        if (seconds) {
            if (v > Long.MAX_VALUE / 1000 || v < Long.MIN_VALUE / 1000) {
                throw new Args.ArgException(Errors.invalidExpire(command));
            }
            v *= 1000;
        }
        if (relative) {
            if (v > Long.MAX_VALUE - nowMs) {
                throw new Args.ArgException(Errors.invalidExpire(command));
            }
            v += nowMs;
        }
        return v;
    }
}
