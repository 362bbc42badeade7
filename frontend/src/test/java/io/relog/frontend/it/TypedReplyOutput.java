package io.relog.frontend.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;

/**
 * A Lettuce output that keeps the RESP type of every element Lettuce's parser reports, rendered
 * as text so a test can compare a whole reply at once:
 * <pre>
 *   "bulk or simple"   :42   ,1.5   #t   _ (null)   !bignum
 *   [a, b] (array)   ~[a, b] (set)   %{k=v, ...} (map)   &gt;[...] (push)
 * </pre>
 * Lettuce reports simple strings like bulk strings ({@code "OK"}); {@link RespConnection} tells them
 * apart where that matters. An error reply makes the command throw.
 */
final class TypedReplyOutput extends CommandOutput<String, String, String> {

    private static final class Aggregate {
        final String open;
        final String close;
        final int expected;
        final List<String> elements = new ArrayList<>();

        Aggregate(String open, String close, int expected) {
            this.open = open;
            this.close = close;
            this.expected = expected;
        }

        String render() {
            StringBuilder sb = new StringBuilder(open);
            boolean map = open.equals("%{");
            for (int i = 0; i < elements.size(); i++) {
                if (i > 0) {
                    sb.append(map && i % 2 == 1 ? "=" : ", ");
                }
                sb.append(elements.get(i));
            }
            return sb.append(close).toString();
        }
    }

    private final Deque<Aggregate> open = new ArrayDeque<>();

    TypedReplyOutput() {
        super(StringCodec.UTF8, null);
    }

    private void add(String element) {
        if (open.isEmpty()) {
            output = element;
            return;
        }
        Aggregate top = open.peek();
        top.elements.add(element);
        while (!open.isEmpty() && open.peek().elements.size() == open.peek().expected) {
            Aggregate done = open.pop();
            add(done.render());
        }
    }

    private void begin(String start, String end, int expected) {
        if (expected <= 0) {
            add(start + end);
            return;
        }
        open.push(new Aggregate(start, end, expected));
    }

    private static String text(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
    }

    @Override
    public void set(ByteBuffer bytes) {
        add(bytes == null ? "_" : "\"" + text(bytes) + "\"");
    }

    @Override
    public void setBigNumber(ByteBuffer bytes) {
        add("!" + text(bytes));
    }

    @Override
    public void set(long integer) {
        add(":" + integer);
    }

    @Override
    public void set(double number) {
        add("," + number);
    }

    @Override
    public void set(boolean value) {
        add(value ? "#t" : "#f");
    }

    @Override
    public void multi(int count) {
        begin("[", "]", count);
    }

    @Override
    public void multiArray(int count) {
        begin("[", "]", count);
    }

    @Override
    public void multiSet(int count) {
        begin("~[", "]", count);
    }

    @Override
    public void multiMap(int count) {
        begin("%{", "}", 2 * count);
    }

    @Override
    public void multiPush(int count) {
        begin(">[", "]", count);
    }
}
