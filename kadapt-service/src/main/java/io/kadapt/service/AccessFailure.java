package io.kadapt.service;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * A failure no retry can mend: the cluster refused kadapt's credentials or an operation its ACLs do not allow.
 * Replacing the stream thread would only repeat it (hundreds of times a second), so the service stops and says
 * which resource and operation it was refused, in the terms of README's ACL list.
 */
final class AccessFailure {
    private AccessFailure() {
    }

    /** The one-line explanation when {@code failure} (or a cause) is an access failure. */
    static Optional<String> explain(Throwable failure, String applicationId) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationException) {
                return Optional.of("authentication failed: " + t.getMessage() + " (check kafka.sasl.jaas.config,"
                        + " kafka.security.protocol and kafka.sasl.mechanism)");
            }
            if (t instanceof GroupAuthorizationException group) {
                return Optional.of("not authorized: READ on GROUP '" + group.groupId() + "' (" + t.getMessage() + ")");
            }
            if (t instanceof TopicAuthorizationException topics) {
                return Optional.of("not authorized on TOPIC " + topics.unauthorizedTopics() + ": inputs need READ and"
                        + " DESCRIBE, outputs WRITE and DESCRIBE, internal topics ALL on the prefix '" + applicationId
                        + "-' (" + t.getMessage() + ")");
            }
            if (t instanceof TransactionalIdAuthorizationException) {
                return Optional.of("not authorized: WRITE and DESCRIBE on TRANSACTIONAL_ID prefixed '" + applicationId
                        + "' (" + t.getMessage() + ")");
            }
            if (t instanceof ClusterAuthorizationException) {
                return Optional.of("not authorized on the CLUSTER (" + t.getMessage() + ")");
            }
            if (t instanceof AuthorizationException) {
                return Optional.of("not authorized: " + t.getMessage());
            }
        }
        return Optional.empty();
    }
}
