package io.relog.engine.blocking;

import io.relog.engine.command.Reply;

/** A {@link Reply} that forwards everything to another; subclasses intercept what they adapt. */
class ForwardingReply implements Reply {

    private final Reply out;

    ForwardingReply(Reply out) {
        this.out = out;
    }

    @Override public int protocol() { return out.protocol(); }
    @Override public void ok() { out.ok(); }
    @Override public void simple(String text) { out.simple(text); }
    @Override public void error(String text) { out.error(text); }
    @Override public void integer(long v) { out.integer(v); }
    @Override public void bulk(byte[] value) { out.bulk(value); }
    @Override public void bulk(String value) { out.bulk(value); }
    @Override public void nullBulk() { out.nullBulk(); }
    @Override public void nullArray() { out.nullArray(); }
    @Override public void array(int n) { out.array(n); }
    @Override public void map(int n) { out.map(n); }
    @Override public void set(int n) { out.set(n); }
    @Override public void push(int n) { out.push(n); }
    @Override public void doubleValue(double v) { out.doubleValue(v); }
    @Override public void bool(boolean v) { out.bool(v); }
    @Override public void verbatim(String format, byte[] text) { out.verbatim(format, text); }
}
