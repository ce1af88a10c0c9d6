package io.runcell.core.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits shell text into tokens the way a POSIX shell would, enough to see what would run: quotes and
 * backslashes are removed ({@code re"bo"ot} is {@code reboot}), {@code $'\x72'} is decoded, operators and
 * redirections become their own tokens, and the text of command substitutions ({@code $( )}, backticks,
 * {@code <( )}) is collected for separate analysis. It never fails: unbalanced quotes run to the end.
 *
 * <p>Not thread-safe: one instance per text.
 */
final class ShellLexer {

    /** Kinds of token. */
    enum Kind {
        WORD,
        SEPARATOR,
        PIPE,
        LPAREN,
        RPAREN,
        LBRACE,
        RBRACE,
        REDIRECT
    }

    /**
     * One token. For {@link Kind#REDIRECT} the text is the target word; {@code quoted} tells whether any part
     * of a word was quoted or escaped (so {@code "{"} is a word, not a group).
     */
    record Token(Kind kind, String text, boolean quoted) {}

    private final String s;
    private int i;
    private final List<Token> tokens = new ArrayList<>();
    private final List<String> substitutions = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private boolean inWord;
    private boolean quoted;
    private static final int NONE = 0;
    private static final int OUTPUT = 1;
    private static final int INPUT = 2;
    /** Whether the next word is the target of an output or input redirection (input targets are dropped). */
    private int pendingRedirect;

    private ShellLexer(String text) {
        this.s = text;
    }

    /** The tokens of {@code text} and, separately, the texts of the command substitutions found in it. */
    record Result(List<Token> tokens, List<String> substitutions) {}

    static Result lex(String text) {
        ShellLexer lexer = new ShellLexer(text);
        lexer.run();
        return new Result(List.copyOf(lexer.tokens), List.copyOf(lexer.substitutions));
    }

    private void run() {
        while (i < s.length()) {
            char c = s.charAt(i);
            switch (c) {
                case ' ', '\t', '\r', '\f', '\u000b' -> {
                    endWord();
                    i++;
                }
                case '\n', ';' -> {
                    endWord();
                    emit(Kind.SEPARATOR, String.valueOf(c));
                    i++;
                }
                case '&' -> ampersand();
                case '|' -> {
                    endWord();
                    boolean or = at(i + 1, '|');
                    emit(or ? Kind.SEPARATOR : Kind.PIPE, or ? "||" : "|");
                    i += or || at(i + 1, '&') ? 2 : 1;
                }
                case '(' -> openParen();
                case ')' -> {
                    endWord();
                    emit(Kind.RPAREN, ")");
                    i++;
                }
                case '{', '}' -> brace(c);
                case '<', '>' -> redirect();
                case '#' -> {
                    if (inWord) {
                        append(c);
                        i++;
                    } else {
                        skipComment();
                    }
                }
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '\\' -> backslash();
                case '`' -> backtick();
                case '$' -> dollar();
                default -> {
                    append(c);
                    i++;
                }
            }
        }
        endWord();
    }

    private void ampersand() {
        if (at(i + 1, '>')) {
            endWord();
            i++;
            redirect();
            return;
        }
        endWord();
        boolean and = at(i + 1, '&');
        emit(Kind.SEPARATOR, and ? "&&" : "&");
        i += and ? 2 : 1;
    }

    private void openParen() {
        endWord();
        emit(Kind.LPAREN, "(");
        i++;
    }

    private void brace(char c) {
        // '{' and '}' delimit groups and function bodies; inside a word they are brace expansion: split anyway,
        // which only ever adds words to look at.
        endWord();
        emit(c == '{' ? Kind.LBRACE : Kind.RBRACE, String.valueOf(c));
        i++;
    }

    private void redirect() {
        // a word of only digits right before the operator is the file descriptor, not an argument
        if (inWord && !quoted && !word.isEmpty() && word.chars().allMatch(Character::isDigit)) {
            word.setLength(0);
            inWord = false;
        } else {
            endWord();
        }
        if (at(i + 1, '(')) {
            // process substitution <( ) >( )
            int end = matchingParen(i + 1);
            substitutions.add(s.substring(i + 2, Math.min(end, s.length())));
            i = end + 1;
            return;
        }
        int start = i;
        i++;
        while (i < s.length() && (s.charAt(i) == '>' || s.charAt(i) == '<' || s.charAt(i) == '|')) {
            i++;
        }
        boolean writes = s.substring(start, i).indexOf('>') >= 0;
        if (at(i, '&')) {
            // duplication such as 2>&1: the target is a descriptor
            i++;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '-')) {
                i++;
            }
            return;
        }
        pendingRedirect = writes ? OUTPUT : INPUT;
    }

    private void skipComment() {
        while (i < s.length() && s.charAt(i) != '\n') {
            i++;
        }
    }

    private void singleQuoted() {
        startWord();
        quoted = true;
        int end = s.indexOf('\'', i + 1);
        int stop = end < 0 ? s.length() : end;
        word.append(s, i + 1, stop);
        i = stop + 1;
    }

    private void doubleQuoted() {
        startWord();
        quoted = true;
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && "\"\\$`\n".indexOf(s.charAt(i + 1)) >= 0) {
                if (s.charAt(i + 1) != '\n') {
                    word.append(s.charAt(i + 1));
                }
                i += 2;
            } else if (c == '`') {
                backtick();
            } else if (c == '$') {
                dollar();
            } else {
                word.append(c);
                i++;
            }
        }
        i++;
    }

    private void backslash() {
        if (i + 1 >= s.length()) {
            i++;
            return;
        }
        if (s.charAt(i + 1) == '\n') {
            i += 2; // line continuation
            return;
        }
        startWord();
        quoted = true;
        word.append(s.charAt(i + 1));
        i += 2;
    }

    private void backtick() {
        startWord();
        StringBuilder inner = new StringBuilder();
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != '`') {
            if (s.charAt(j) == '\\' && j + 1 < s.length() && "`\\$".indexOf(s.charAt(j + 1)) >= 0) {
                j++;
            }
            inner.append(s.charAt(j));
            j++;
        }
        substitutions.add(inner.toString());
        i = j + 1;
    }

    private void dollar() {
        startWord();
        if (at(i + 1, '(') && at(i + 2, '(')) {
            int end = matchingParen(i + 1); // arithmetic: no commands inside, keep it as opaque text
            word.append(s, i, Math.min(end + 1, s.length()));
            i = end + 1;
        } else if (at(i + 1, '(')) {
            int end = matchingParen(i + 1);
            substitutions.add(s.substring(i + 2, Math.min(end, s.length())));
            i = end + 1;
        } else if (at(i + 1, '{')) {
            int end = s.indexOf('}', i + 2);
            int stop = end < 0 ? s.length() : end + 1;
            word.append(s, i, stop);
            i = stop;
        } else if (at(i + 1, '\'')) {
            ansiC();
        } else {
            word.append('$');
            i++;
        }
    }

    /** {@code $'...'} with C escapes ({@code \x72}, {@code \162}, {@code \n}). */
    private void ansiC() {
        quoted = true;
        int j = i + 2;
        while (j < s.length() && s.charAt(j) != '\'') {
            char c = s.charAt(j);
            if (c != '\\' || j + 1 >= s.length()) {
                word.append(c);
                j++;
                continue;
            }
            char e = s.charAt(j + 1);
            j += 2;
            switch (e) {
                case 'n' -> word.append('\n');
                case 't' -> word.append('\t');
                case 'x' -> {
                    int k = j;
                    while (k < s.length() && k < j + 2 && Character.digit(s.charAt(k), 16) >= 0) {
                        k++;
                    }
                    if (k > j) {
                        word.append((char) Integer.parseInt(s.substring(j, k), 16));
                    }
                    j = k;
                }
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    int k = j - 1;
                    int end = k;
                    while (end < s.length() && end < k + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
                        end++;
                    }
                    word.append((char) Integer.parseInt(s.substring(k, end), 8));
                    j = end;
                }
                default -> word.append(e);
            }
        }
        i = j + 1;
    }

    /** Index of the ')' matching the '(' at {@code open}, skipping quotes; the text's length if unbalanced. */
    private int matchingParen(int open) {
        int depth = 0;
        for (int j = open; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '\'') {
                int end = s.indexOf('\'', j + 1);
                j = end < 0 ? s.length() : end;
            } else if (c == '"') {
                int k = j + 1;
                while (k < s.length() && s.charAt(k) != '"') {
                    k += s.charAt(k) == '\\' ? 2 : 1;
                }
                j = k;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return j;
                }
            }
        }
        return s.length();
    }

    private boolean at(int index, char c) {
        return index < s.length() && s.charAt(index) == c;
    }

    private void startWord() {
        inWord = true;
    }

    private void append(char c) {
        inWord = true;
        word.append(c);
    }

    private void endWord() {
        if (!inWord) {
            return;
        }
        String text = word.toString();
        if (pendingRedirect == OUTPUT) {
            tokens.add(new Token(Kind.REDIRECT, text, quoted));
        } else if (pendingRedirect == NONE) {
            tokens.add(new Token(Kind.WORD, text, quoted));
        }
        pendingRedirect = NONE;
        word.setLength(0);
        inWord = false;
        quoted = false;
    }

    private void emit(Kind kind, String text) {
        pendingRedirect = NONE;
        tokens.add(new Token(kind, text, false));
    }
}
