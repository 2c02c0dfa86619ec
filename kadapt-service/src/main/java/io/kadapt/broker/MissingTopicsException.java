package io.kadapt.broker;

import java.util.List;

/** Topics the service needs do not exist, and it was told not to create them. */
public final class MissingTopicsException extends TopicProvisioningException {
    private static final long serialVersionUID = 1L;

    private final List<String> missingTopics;

    public MissingTopicsException(String message, List<String> missingTopics) {
        super(message);
        this.missingTopics = List.copyOf(missingTopics);
    }

    /** Names of every missing topic, in the order they were asked for. */
    public List<String> missingTopics() {
        return missingTopics;
    }
}
