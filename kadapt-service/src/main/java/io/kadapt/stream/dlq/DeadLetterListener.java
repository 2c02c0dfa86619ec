package io.kadapt.stream.dlq;

/** Told of every record routed to the dead-letter topic (the metrics count them by reason). */
@FunctionalInterface
public interface DeadLetterListener {
    DeadLetterListener NONE = reason -> { };

    void onDeadLetter(RejectReason reason);
}
