package io.kadapt.broker;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A secured embedded broker: SASL/PLAIN on the client listener and Kafka's KRaft authorizer with ACLs, so that
 * tests run kadapt against a cluster the way operators secure theirs. The admin user is a super user (it also
 * carries the broker's own inter-broker traffic); every other user gets exactly the ACLs a test grants.
 *
 * @param adminUser the super user
 * @param passwords every user's password, the admin's included
 */
public record SaslPlain(String adminUser, Map<String, String> passwords) {
    /** The client listener's name when secured. */
    static final String LISTENER = "CLIENT";

    public SaslPlain {
        passwords = Map.copyOf(passwords);
        if (!passwords.containsKey(adminUser)) {
            throw new IllegalArgumentException("the admin user " + adminUser + " needs a password");
        }
    }

    /** Client settings that log in as {@code user} with {@code password}. */
    public static Map<String, Object> clientSettings(String user, String password) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", jaas(user, password, ""));
        return settings;
    }

    /** Client settings of a user of this broker. */
    public Map<String, Object> clientSettings(String user) {
        return clientSettings(user, passwords.get(user));
    }

    Map<String, Object> brokerSettings() {
        Map<String, Object> settings = new HashMap<>();
        StringBuilder users = new StringBuilder();
        passwords.forEach((user, password) -> users.append(" user_").append(user).append("=\"").append(password)
                .append('"'));
        String prefix = "listener.name." + LISTENER.toLowerCase() + ".plain.";
        settings.put(prefix + "sasl.jaas.config", jaas(adminUser, passwords.get(adminUser), users.toString()));
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // ANONYMOUS is the broker itself on the (unadvertised, PLAINTEXT) controller listener of this single node.
        settings.put("super.users", "User:" + adminUser + ";User:ANONYMOUS");
        return settings;
    }

    private static String jaas(String user, String password, String extra) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\"" + extra + ";";
    }

    @Override
    public String toString() {
        return "SaslPlain[admin=" + adminUser + ", users=" + passwords.keySet() + "]";
    }
}
