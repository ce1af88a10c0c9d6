package io.runcell.api.instavm;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.runcell.api.common.Credentials;
import io.runcell.api.common.Guard;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import java.util.Optional;

/** Registers InstaVM's resources at the server root ({@code /execute}, {@code /v1/sessions/...}). */
public final class InstaVmApi implements HttpService {

    private final Engine engine;
    private final int maxUploadBytes;
    private final InstaVmErrors errors = new InstaVmErrors();
    private final Guard guard = new Guard(errors);

    /** @param maxUploadBytes largest {@code /upload} request body (the whole form is held in memory); larger is 413 */
    public InstaVmApi(Engine engine, int maxUploadBytes) {
        this.engine = engine;
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        new SessionResource(engine, this).register(rules);
        new ExecuteResource(engine, this).register(rules);
        new FileResource(engine, this, maxUploadBytes).register(rules);
    }

    /** Wraps a handler so that pydantic-style validation failures and core errors answer in FastAPI's shape. */
    Handler handler(Guard.Action action) {
        return guard.wrap((req, res) -> {
            try {
                action.handle(req, res);
            } catch (ValidationFailed e) {
                errors.renderValidation(res, e);
            }
        });
    }

    /** The caller: {@code X-API-Key}, else {@code Authorization: Bearer}, else {@code api_key} from the body. */
    Principal principal(ServerRequest req, String bodyKey) {
        return principalIfKeyed(req, bodyKey)
                .orElseThrow(() -> new RuncellException(ErrorCode.UNAUTHORIZED, "Not authenticated"));
    }

    /** Like {@link #principal}, but empty when no key was presented at all; a presented key must be valid. */
    Optional<Principal> principalIfKeyed(ServerRequest req, String bodyKey) {
        Optional<String> key = Credentials.header(req, Credentials.X_API_KEY)
                .or(() -> Credentials.bearer(req))
                .or(() -> Optional.ofNullable(bodyKey).map(String::strip).filter(k -> !k.isEmpty()));
        return key.map(k -> engine.authenticator()
                .tryAuthenticate(k)
                .orElseThrow(() -> new RuncellException(ErrorCode.UNAUTHORIZED, "Invalid API key")));
    }

    /** The sandbox id of an InstaVM session id (a UUID); unknown shapes are simply not found. */
    static String sandboxId(String sessionId) {
        return Ids.sandboxIdFromUuid(sessionId == null ? "" : sessionId.strip())
                .orElseThrow(() -> RuncellException.of(ErrorCode.SANDBOX_NOT_FOUND));
    }
}
