package io.kadapt.cli;

import io.kadapt.service.KadaptService;
import io.kadapt.stream.Topics;

/** What a user needs to know once the service is up. */
final class ServiceBanner {
    private ServiceBanner() {
    }

    static void print(KadaptService service) {
        String http = "http://localhost:" + service.httpPort();
        Topics topics = service.topics();
        System.out.println("kadapt: running. Kafka bootstrap " + service.bootstrapServers());
        System.out.println("kadapt: topics in: " + String.join(", ", topics.inputs()) + "  out: "
                + String.join(", ", topics.outputs()));
        System.out.println("kadapt: metrics " + http + "/metrics  health " + http + "/health/ready  info " + http + "/info");
    }
}
