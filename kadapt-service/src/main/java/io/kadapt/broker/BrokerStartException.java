package io.kadapt.broker;

/**
 * The embedded Kafka broker could not be started. The message is meant for the person running kadapt: it says what
 * went wrong and, where it can, what to do about it.
 */
public final class BrokerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerStartException(String message) {
        super(message);
    }

    public BrokerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
