package io.kadapt.broker;

/** The service's topics could not be made ready: Kafka unreachable, a topic could not be created, or is unfit. */
public class TopicProvisioningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TopicProvisioningException(String message) {
        super(message);
    }

    public TopicProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
