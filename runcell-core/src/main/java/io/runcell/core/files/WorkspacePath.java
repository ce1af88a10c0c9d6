package io.runcell.core.files;

import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import java.util.ArrayList;
import java.util.List;

/**
 * A path inside {@code /workspace}, given relative ({@code data/x.csv}) or absolute ({@code /workspace/data/x.csv}).
 * {@code ..} segments, NUL and paths outside the workspace are rejected.
 */
public record WorkspacePath(String absolute) {

    public static final String ROOT = "/workspace";
    public static final int MAX_LENGTH = 4096;

    public static WorkspacePath parse(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw RuncellException.invalid(FieldError.of(field, FieldError.Kind.MISSING, field + " is required"));
        }
        if (raw.length() > MAX_LENGTH || raw.indexOf('\0') >= 0) {
            throw RuncellException.invalid(
                    FieldError.of(field, FieldError.Kind.INVALID_VALUE, field + " is not a valid path"));
        }
        String rel = raw;
        if (rel.equals(ROOT) || rel.startsWith(ROOT + "/")) {
            rel = rel.substring(ROOT.length());
        } else if (rel.startsWith("/")) {
            throw RuncellException.invalid(
                    FieldError.of(field, FieldError.Kind.INVALID_VALUE, field + " must be inside /workspace"));
        }
        List<String> parts = new ArrayList<>();
        for (String part : rel.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw RuncellException.invalid(
                        FieldError.of(field, FieldError.Kind.INVALID_VALUE, field + " must not contain '..'"));
            }
            parts.add(part);
        }
        if (parts.isEmpty()) {
            throw RuncellException.invalid(
                    FieldError.of(field, FieldError.Kind.INVALID_VALUE, field + " must name a file inside /workspace"));
        }
        return new WorkspacePath(ROOT + "/" + String.join("/", parts));
    }
}
