package io.portcullis.web;

import io.portcullis.config.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.waf.Rule;
import io.portcullis.waf.WafRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What start-up reads besides the YAML itself, checked in one pass before anything is built or opened: the PEM or
 * secret signing keys ({@code auth.signing-keys}) and the WAF rules file ({@code waf.rules-file}). Every problem of
 * every file lands in ONE {@link ConfigException}, each naming its key path and the bad value, so that an operator
 * fixes them all at once instead of one per restart. (The trusted issuers' {@code jwks-uri} and {@code issuer} URLs
 * are checked by the configuration loader itself; they are never fetched at start-up.) Stateless.
 */
final class StartupValidation {
    /** The files start-up read, ready for use. */
    record Checked(SigningKeys signingKeys, List<Rule> wafRules) {}

    private StartupValidation() {}

    /** @throws ConfigException listing every problem of the signing keys and of the WAF rules file */
    static Checked check(GatewayConfig config) {
        List<String> problems = new ArrayList<>();
        Optional<SigningKeys> keys = Optional.empty();
        try {
            keys = Optional.of(SigningKeys.load(config.auth(), config.gateway().demo(), config.source()));
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        Optional<List<Rule>> rules = Optional.empty();
        try {
            rules = Optional.of(WafRules.load(config.waf()));
        } catch (ConfigException e) {
            String file = config.waf().rulesFile().map(Object::toString).orElse("(built-in)");
            for (String problem : e.problems()) {
                problems.add("waf.rules-file: " + problem + " (in \"" + file + "\")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(config.source(), problems);
        }
        return new Checked(keys.orElseThrow(), rules.orElseThrow());
    }
}
