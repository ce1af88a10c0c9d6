package io.runcell.core.error;

/**
 * One invalid input field.
 *
 * @param field  the field's name in the core's vocabulary (snake_case), e.g. {@code command}
 * @param kind   what is wrong
 * @param detail a human sentence; never echoes the rejected value
 * @param limit  the bound that was crossed, if any
 */
public record FieldError(String field, Kind kind, String detail, Long limit) {

    /** What is wrong with a field; dialects map these to their own type names. */
    public enum Kind {
        MISSING,
        TOO_LONG,
        TOO_SHORT,
        TOO_SMALL,
        TOO_LARGE,
        INVALID_TYPE,
        INVALID_VALUE
    }

    public static FieldError of(String field, Kind kind, String detail) {
        return new FieldError(field, kind, detail, null);
    }
}
