package io.runcell.api.nativeapi;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.runcell.api.common.Credentials;
import io.runcell.api.common.Guard;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;

/** Registers the native API's resources under {@code /runcell/v1}. */
public final class NativeApi implements HttpService {

    public static final String PREFIX = "/runcell/v1";

    private final Engine engine;
    private final Guard guard;

    public NativeApi(Engine engine) {
        this.engine = engine;
        this.guard = new Guard(new NativeErrors(engine.clock()));
    }

    @Override
    public void routing(HttpRules rules) {
        new SandboxResource(engine, this).register(rules, guard);
        new ExecutionResource(engine, this).register(rules, guard);
        new KeyResource(engine, this).register(rules, guard);
        new AccountResource(engine, this).register(rules, guard);
        new PlanResource(engine, this).register(rules, guard);
        new VaultResource(engine, this).register(rules, guard);
        new AuditResource(engine, this).register(rules, guard);
        rules.any("/*", guard.wrap((req, res) -> {
            throw new RuncellException(ErrorCode.NOT_FOUND, "No such endpoint.");
        }));
    }

    Principal principal(ServerRequest req) {
        String token = Credentials.bearer(req).orElseThrow(() -> RuncellException.of(ErrorCode.UNAUTHORIZED));
        return engine.authenticator().authenticate(token);
    }
}
