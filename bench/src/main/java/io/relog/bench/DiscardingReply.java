package io.relog.bench;

import io.relog.engine.command.Reply;
import org.openjdk.jmh.infra.Blackhole;

/** A reply sink that hands every value to a JMH {@link Blackhole}, so engine work is measured without a network. */
final class DiscardingReply implements Reply {

    private final Blackhole bh;

    DiscardingReply(Blackhole bh) {
        this.bh = bh;
    }

    @Override
    public int protocol() {
        return 2;
    }

    @Override
    public void ok() {
        bh.consume(1);
    }

    @Override
    public void simple(String text) {
        bh.consume(text);
    }

    @Override
    public void error(String text) {
        throw new IllegalStateException("benchmark command failed: " + text);
    }

    @Override
    public void integer(long v) {
        bh.consume(v);
    }

    @Override
    public void bulk(byte[] value) {
        bh.consume(value);
    }

    @Override
    public void bulk(String value) {
        bh.consume(value);
    }

    @Override
    public void nullBulk() {
        bh.consume(0);
    }

    @Override
    public void nullArray() {
        bh.consume(0);
    }

    @Override
    public void array(int n) {
        bh.consume(n);
    }

    @Override
    public void map(int n) {
        bh.consume(n);
    }

    @Override
    public void set(int n) {
        bh.consume(n);
    }

    @Override
    public void push(int n) {
        bh.consume(n);
    }

    @Override
    public void doubleValue(double v) {
        bh.consume(v);
    }

    @Override
    public void bool(boolean v) {
        bh.consume(v);
    }

    @Override
    public void verbatim(String format, byte[] text) {
        bh.consume(text);
    }
}
