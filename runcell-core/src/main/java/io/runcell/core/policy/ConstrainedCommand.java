package io.runcell.core.policy;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of a constrained command: words of plain characters separated by spaces or tabs, run as an argv
 * without a shell. Anything a shell would interpret (quotes, {@code $}, {@code ;}, {@code |}, {@code &},
 * redirections, globs, {@code ~}, backslashes, newlines) is refused rather than escaped, so what the caller wrote
 * is exactly what runs.
 */
public final class ConstrainedCommand {

    /** Longest accepted command text, in characters (Vast's documented limit). */
    public static final int MAX_LENGTH = 512;

    private ConstrainedCommand() {}

    /** The argv of {@code text}; throws {@link ErrorCode#COMMAND_NOT_ALLOWED} when it is not a plain command. */
    public static List<String> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            throw RuncellException.of(ErrorCode.COMMAND_NOT_ALLOWED);
        }
        List<String> argv = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                if (!word.isEmpty()) {
                    argv.add(word.toString());
                    word.setLength(0);
                }
            } else if (plain(c)) {
                word.append(c);
            } else {
                throw RuncellException.of(ErrorCode.COMMAND_NOT_ALLOWED);
            }
        }
        if (!word.isEmpty()) {
            argv.add(word.toString());
        }
        if (argv.isEmpty()) {
            throw RuncellException.of(ErrorCode.COMMAND_NOT_ALLOWED);
        }
        return List.copyOf(argv);
    }

    /** Whether {@code word} is a non-empty run of plain characters. */
    public static boolean plainWord(String word) {
        if (word == null || word.isEmpty()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (!plain(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** ASCII letters and digits and {@code - _ . / : = + , @ %}: nothing a shell or a glob gives meaning to. */
    static boolean plain(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.'
                || c == '/'
                || c == ':'
                || c == '='
                || c == '+'
                || c == ','
                || c == '@'
                || c == '%';
    }
}
