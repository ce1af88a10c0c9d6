package io.runcell.api.hostup;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Credentials;
import io.runcell.api.common.Guard;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import java.util.Optional;

/** Registers the Hostup dialect's resources under {@code /api/v2}. */
public final class HostupApi implements HttpService {

    public static final String PREFIX = "/api/v2";

    private final Engine engine;
    private final Guard guard;

    public HostupApi(Engine engine) {
        this.engine = engine;
        this.guard = new Guard(new HostupErrors(engine.clock()));
    }

    @Override
    public void routing(HttpRules rules) {
        new VpsResource(engine, this).register(rules, guard);
        new AgentExecResource(engine, this).register(rules, guard);
        new VpsActionResource(engine, this).register(rules, guard);
        rules.any("/*", guard.wrap((req, res) -> {
            throw new RuncellException(ErrorCode.NOT_FOUND, "No such endpoint.");
        }));
    }

    /** The caller of a request presenting {@code Authorization: Bearer <key>}; 401 otherwise. */
    Principal principal(ServerRequest req, ServerResponse res) {
        Optional<String> token = Credentials.bearer(req);
        Optional<Principal> p = token.flatMap(engine.authenticator()::tryAuthenticate);
        if (p.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            throw new RuncellException(
                    ErrorCode.UNAUTHORIZED,
                    token.isEmpty() ? "Authentication is required." : "The API key is invalid or revoked.");
        }
        return p.get();
    }

    /** The sandbox id behind the {@code {id}} path parameter; a malformed VPS id is simply not found. */
    static String sandboxId(ServerRequest req) {
        String vpsId = req.path().pathParameters().get("id");
        return Ids.convert(vpsId, Ids.VPS, Ids.SANDBOX)
                .orElseThrow(() -> RuncellException.of(ErrorCode.SANDBOX_NOT_FOUND));
    }

    static String vpsId(String sandboxId) {
        return Ids.convert(sandboxId, Ids.SANDBOX, Ids.VPS).orElseThrow();
    }
}
