package io.kadapt.cli;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.service.ApplicationReset;
import io.kadapt.service.ClusterConnection;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kadapt reset}: starts an application over (see {@link ApplicationReset}). */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {"Deletes an application's state so that it starts over: its internal topics (model, buffers, "
                + "replay memories, prediction ledger), its consumer group with the committed input offsets, and this "
                + "machine's local state. Input and output topics stay. Refused while any instance runs. Without "
                + "--execute it only prints what it would delete.",
                "Exit code 0: done (or nothing to do, or the dry run); 2: refused or failed."})
final class ResetCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions options;

    @Option(names = "--execute", description = "Really delete (default: print the plan only).")
    boolean execute;

    @Override
    public Integer call() {
        KadaptConfig config = options.load(Map.of());
        if (!config.isSet(ConfigKey.BOOTSTRAP_SERVERS) && !config.isSet(ConfigKey.EMBEDDED_DATA_DIR)) {
            System.out.println("kadapt reset: nothing to reset: without bootstrap.servers or embedded.data-dir the"
                    + " embedded broker and the state live in a temporary directory deleted at exit");
            return 0;
        }
        try (ClusterConnection cluster = ClusterConnection.open(config)) {
            ApplicationReset reset = ApplicationReset.plan(config, cluster);
            if (reset.nothingToDo()) {
                System.out.println("kadapt reset: application '" + reset.applicationId() + "' has no state to delete");
                return 0;
            }
            System.out.println("kadapt reset: application '" + reset.applicationId() + "'");
            System.out.println("  internal topics: " + (reset.internalTopics().isEmpty() ? "none"
                    : String.join(", ", reset.internalTopics())));
            System.out.println("  consumer groups with committed offsets: " + (reset.groups().isEmpty() ? "none"
                    : String.join(", ", reset.groups())));
            System.out.println("  local state: " + (reset.localState().isEmpty() ? "none" : reset.localState()));
            if (!execute) {
                System.out.println("kadapt reset: dry run, nothing deleted; pass --execute to delete the above");
                return 0;
            }
            reset.execute(cluster);
            System.out.println("kadapt reset: deleted; the next start begins from the inputs' earliest offsets with a"
                    + " fresh model");
            return 0;
        }
    }
}
