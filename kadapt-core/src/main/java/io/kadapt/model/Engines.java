package io.kadapt.model;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the engine a spec asks for (see {@link TransferEngine#forSpec}). */
final class Engines {

    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

    private Engines() {
    }

    static TransferEngine open(ModelSpec spec) {
        return switch (spec.engine()) {
            case SAMEDIFF -> new SameDiffEngine(spec);
            case FAST -> new FastEngine(spec);
            case AUTO -> {
                Optional<String> missing = FastEngine.unsupported(spec.supervisedLoss(), spec.domainLosses());
                if (missing.isPresent()) {
                    LOG.info("model.engine=auto: the fast engine does not cover {}; this model runs on SameDiff",
                            missing.get());
                    yield new SameDiffEngine(spec);
                }
                yield new FastEngine(spec);
            }
        };
    }
}
