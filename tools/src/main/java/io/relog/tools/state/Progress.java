package io.relog.tools.state;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long job measured in bytes: a progress bar with speed and ETA on a terminal,
 * plain lines (at most one every two seconds, and the last) when stderr is a file or a pipe, so
 * logs stay readable.
 */
public final class Progress implements AutoCloseable {

    private static final long LINE_EVERY_NANOS = 2_000_000_000L;
    private static final long MB = 1024 * 1024;

    private final String task;
    private final long total;
    private final PrintStream out;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private long nextLine = startNanos + LINE_EVERY_NANOS;
    private long done;

    private Progress(String task, long total, PrintStream out, boolean terminal) {
        this.task = task;
        this.total = Math.max(total, 1);
        this.out = out;
        this.bar = terminal
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(this.total).setUnit(" MB", MB).showSpeed()
                        .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(out)).build()
                : null;
    }

    /** Starts reporting a job of {@code totalBytes} on {@code out}; a bar when the process has a terminal. */
    public static Progress start(String task, long totalBytes, PrintStream out) {
        return new Progress(task, totalBytes, out, System.console() != null);
    }

    /** Starts reporting in plain lines. */
    public static Progress plain(String task, long totalBytes, PrintStream out) {
        return new Progress(task, totalBytes, out, false);
    }

    /** {@code doneBytes} of the total are done. */
    public void update(long doneBytes) {
        done = doneBytes;
        if (bar != null) {
            bar.stepTo(Math.min(doneBytes, total));
            return;
        }
        long now = System.nanoTime();
        if (now - nextLine >= 0) {
            nextLine = now + LINE_EVERY_NANOS;
            out.println(line(now));
        }
    }

    private String line(long now) {
        double secs = Math.max((now - startNanos) / 1e9, 1e-9);
        double speed = done / secs;
        long etaSecs = speed > 0 ? (long) Math.ceil((total - done) / speed) : -1;
        return String.format(Locale.ROOT, "%s: %d%% (%.1f of %.1f MB, %.1f MB/s, ETA %s)", task, done * 100 / total,
                done / (double) MB, total / (double) MB, speed / MB, etaSecs < 0 ? "?" : etaSecs + "s");
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.stepTo(Math.min(done, total));
            bar.close();
        } else {
            out.println(line(System.nanoTime()).replaceFirst(", ETA [^)]*", ""));
        }
    }
}
