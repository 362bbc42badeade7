package io.relog.engine.command;

/**
 * A reply nobody reads, for commands executed on behalf of no client: replaying the log at
 * start, applying a master's stream. It keeps the last error, so the caller can report a command
 * that failed. Not thread-safe.
 */
public final class DiscardedReply implements Reply {

    private String lastError;

    /** The last error written since {@link #clearError()}, or {@code null}. */
    public String lastError() {
        return lastError;
    }

    public void clearError() {
        lastError = null;
    }

    @Override
    public int protocol() {
        return 2;
    }

    @Override
    public void ok() {
    }

    @Override
    public void simple(String text) {
    }

    @Override
    public void error(String text) {
        lastError = text;
    }

    @Override
    public void integer(long v) {
    }

    @Override
    public void bulk(byte[] value) {
    }

    @Override
    public void bulk(String value) {
    }

    @Override
    public void nullBulk() {
    }

    @Override
    public void nullArray() {
    }

    @Override
    public void array(int n) {
    }

    @Override
    public void map(int n) {
    }

    @Override
    public void set(int n) {
    }

    @Override
    public void push(int n) {
    }

    @Override
    public void doubleValue(double v) {
    }

    @Override
    public void bool(boolean v) {
    }

    @Override
    public void verbatim(String format, byte[] text) {
    }
}
