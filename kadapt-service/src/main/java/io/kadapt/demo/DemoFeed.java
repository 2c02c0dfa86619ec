package io.kadapt.demo;

import io.kadapt.client.SampleProducer;
import io.kadapt.data.Domain;
import java.util.ArrayDeque;

/**
 * Produces the demo stream: one source and one target sample per tick at a steady rate, and each target's
 * true label on the feedback topic {@code feedbackDelay} ticks later (labels arrive late in real life).
 */
public final class DemoFeed implements Runnable {
    private final SampleProducer producer;
    private final DomainShiftStream stream;
    private final double samplesPerSecond;
    private final int feedbackDelay;
    private volatile boolean running = true;
    private volatile long sent;

    public DemoFeed(SampleProducer producer, DomainShiftStream stream, double samplesPerSecond, int feedbackDelay) {
        this.producer = producer;
        this.stream = stream;
        this.samplesPerSecond = samplesPerSecond;
        this.feedbackDelay = feedbackDelay;
    }

    @Override
    public void run() {
        record Pending(String id, int label) {
        }
        ArrayDeque<Pending> unlabelled = new ArrayDeque<>();
        long intervalNanos = (long) (1e9 / samplesPerSecond);
        long next = System.nanoTime();
        for (long i = 0; running; i++) {
            DomainShiftStream.Point source = stream.next(Domain.SOURCE);
            producer.source("s-" + i, source.features(), source.label());
            DomainShiftStream.Point target = stream.next(Domain.TARGET);
            String targetId = "t-" + i;
            producer.target(targetId, target.features());
            unlabelled.addLast(new Pending(targetId, target.label()));
            if (unlabelled.size() > feedbackDelay) {
                Pending due = unlabelled.removeFirst();
                producer.feedback(due.id(), due.label());
            }
            sent = i + 1;
            next += intervalNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        producer.flush();
    }

    /** Source samples sent so far (as many target samples were sent too). */
    public long sent() {
        return sent;
    }

    public void stop() {
        running = false;
    }
}
