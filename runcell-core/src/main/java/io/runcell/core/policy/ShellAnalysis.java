package io.runcell.core.policy;

import io.runcell.core.policy.ShellLexer.Kind;
import io.runcell.core.policy.ShellLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a piece of shell text would run: every simple command (program basename, arguments, output redirection
 * targets) of every chain, pipeline, group, subshell, command substitution and nested {@code sh -c} or
 * {@code eval} string, with wrappers such as {@code sudo}, {@code env}, {@code nohup}, {@code command},
 * {@code exec}, {@code nice} and {@code timeout} looked through, plus the functions it defines.
 *
 * <p>It is a static approximation for a deny list, not a shell: variables, globs and aliases are not expanded.
 *
 * @param commands  the simple commands found
 * @param functions the functions defined (for fork-bomb detection)
 * @param tooDeep   nesting went past {@link #MAX_DEPTH}: callers should refuse the text
 */
record ShellAnalysis(List<SimpleCommand> commands, List<FunctionDef> functions, boolean tooDeep) {

    /** Deepest nesting of substitutions and {@code sh -c} strings that is analysed. */
    static final int MAX_DEPTH = 8;

    /** One command as it would be executed. {@code program} is the basename of the first word. */
    record SimpleCommand(String program, List<String> args, List<String> redirects) {}

    /** A function definition: its name, the programs its body calls, and whether the body pipes or backgrounds. */
    record FunctionDef(String name, List<String> calls, boolean forks) {}

    private static final Pattern ASSIGNMENT =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[[^]]*])?\\+?=.*", Pattern.DOTALL);
    private static final Set<String> KEYWORDS =
            Set.of("if", "then", "else", "elif", "do", "while", "until", "!", "fi", "done", "esac", "in", "coproc");
    private static final Set<String> SHELLS =
            Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "rbash", "fish", "csh", "tcsh");

    /**
     * Wrappers that run the rest of their arguments as a command, with the options of each that take a value.
     * Positional values a wrapper takes before the command are in {@link #WRAPPER_POSITIONALS}.
     */
    private static final Map<String, Set<String>> WRAPPERS = Map.ofEntries(
            Map.entry(
                    "sudo",
                    Set.of(
                            "-u",
                            "-g",
                            "-C",
                            "-D",
                            "-h",
                            "-p",
                            "-r",
                            "-t",
                            "-U",
                            "-T",
                            "--user",
                            "--group",
                            "--prompt",
                            "--chdir",
                            "--host",
                            "--role",
                            "--type",
                            "--other-user",
                            "--close-from")),
            Map.entry("doas", Set.of("-u", "-C")),
            Map.entry("env", Set.of("-u", "-C", "--unset", "--chdir", "-P", "--split-string", "-S")),
            Map.entry("nohup", Set.of()),
            Map.entry("command", Set.of()),
            Map.entry("builtin", Set.of()),
            Map.entry("exec", Set.of("-a")),
            Map.entry("nice", Set.of("-n", "--adjustment")),
            Map.entry("ionice", Set.of("-c", "-n", "-p", "-P", "-u", "--class", "--classdata")),
            Map.entry("timeout", Set.of("-s", "-k", "--signal", "--kill-after")),
            Map.entry("time", Set.of("-f", "-o", "--format", "--output")),
            Map.entry("setsid", Set.of()),
            Map.entry("stdbuf", Set.of("-i", "-o", "-e", "--input", "--output", "--error")),
            Map.entry("chroot", Set.of("--userspec", "--groups")),
            Map.entry(
                    "xargs",
                    Set.of(
                            "-a",
                            "-d",
                            "-E",
                            "-I",
                            "-L",
                            "-n",
                            "-P",
                            "-s",
                            "--arg-file",
                            "--delimiter",
                            "--max-args",
                            "--max-procs",
                            "--max-lines",
                            "--max-chars",
                            "--replace",
                            "--eof")),
            Map.entry("busybox", Set.of()),
            Map.entry("unbuffer", Set.of()),
            Map.entry("nocache", Set.of()),
            Map.entry("flock", Set.of("-w", "-E", "--timeout", "--conflict-exit-code")),
            Map.entry("watch", Set.of("-n", "-d", "--interval")),
            Map.entry("strace", Set.of("-e", "-o", "-p", "-s", "-u")),
            Map.entry("runuser", Set.of("-u", "-g", "-G", "--user", "--group")),
            Map.entry("systemd-run", Set.of("-u", "-p", "--unit", "--property", "-M", "--machine")));

    /** Positional arguments a wrapper takes before the command ({@code timeout 5 cmd}, {@code chroot / cmd}). */
    private static final Map<String, Integer> WRAPPER_POSITIONALS = Map.of("timeout", 1, "chroot", 1, "flock", 1);

    /** Analyses {@code text}. Never throws. */
    static ShellAnalysis of(String text) {
        Builder b = new Builder();
        b.text(text, 0);
        return new ShellAnalysis(List.copyOf(b.commands), List.copyOf(b.functions), b.tooDeep);
    }

    /** Analyses one argv as a single command (no shell involved). */
    static ShellAnalysis ofArgv(List<String> argv) {
        Builder b = new Builder();
        List<Token> words = new ArrayList<>();
        for (String a : argv) {
            words.add(new Token(Kind.WORD, a, true));
        }
        b.simple(words, List.of(), 0);
        return new ShellAnalysis(List.copyOf(b.commands), List.copyOf(b.functions), b.tooDeep);
    }

    /** Collapses repeated slashes and {@code /./} segments so {@code //sbin/./reboot} reads {@code /sbin/reboot}. */
    static String normalizePath(String word) {
        if (word.indexOf('/') < 0) {
            return word;
        }
        String w = word.replaceAll("/{2,}", "/");
        String before;
        do {
            before = w;
            w = w.replace("/./", "/");
        } while (!w.equals(before));
        if (w.endsWith("/.")) {
            w = w.substring(0, w.length() - 1);
        }
        if (w.length() > 1 && w.endsWith("/") && !w.endsWith("=/")) {
            w = w.substring(0, w.length() - 1);
        }
        return w;
    }

    private static final class Builder {
        final List<SimpleCommand> commands = new ArrayList<>();
        final List<FunctionDef> functions = new ArrayList<>();
        boolean tooDeep;
        /** The command whose output the current one reads through a pipe, if any. */
        SimpleCommand pipedFrom;

        void text(String text, int depth) {
            if (depth > MAX_DEPTH) {
                tooDeep = true;
                return;
            }
            ShellLexer.Result lexed = ShellLexer.lex(text);
            for (String sub : lexed.substitutions()) {
                text(sub, depth + 1);
            }
            tokens(lexed.tokens(), depth);
        }

        void tokens(List<Token> tokens, int depth) {
            List<Token> words = new ArrayList<>();
            List<String> redirects = new ArrayList<>();
            for (int k = 0; k < tokens.size(); k++) {
                Token t = tokens.get(k);
                switch (t.kind()) {
                    case WORD -> words.add(t);
                    case REDIRECT -> redirects.add(normalizePath(t.text()));
                    case LPAREN -> {
                        boolean named = words.size() == 1
                                || (words.size() == 2 && words.getFirst().text().equals("function"));
                        if (named && k + 1 < tokens.size() && tokens.get(k + 1).kind() == Kind.RPAREN) {
                            k = function(words.getLast().text(), tokens, k + 2);
                            words.clear();
                            redirects.clear();
                        } else {
                            flush(words, redirects, depth);
                        }
                    }
                    case PIPE -> {
                        flush(words, redirects, depth);
                        pipedFrom = commands.isEmpty() ? null : commands.getLast();
                        continue;
                    }
                    case SEPARATOR, RPAREN, LBRACE, RBRACE -> flush(words, redirects, depth);
                }
                if (t.kind() != Kind.WORD && t.kind() != Kind.REDIRECT) {
                    pipedFrom = null;
                }
                if (words.size() == 2
                        && words.getFirst().text().equals("function")
                        && !words.getFirst().quoted()
                        && k + 1 < tokens.size()
                        && tokens.get(k + 1).kind() == Kind.LBRACE) {
                    k = function(words.get(1).text(), tokens, k + 1);
                    words.clear();
                    redirects.clear();
                }
            }
            flush(words, redirects, depth);
        }

        /** Records a function whose body starts at {@code start}; returns the index before the body (it is analysed too). */
        private int function(String name, List<Token> tokens, int start) {
            int depth = 0;
            boolean forks = false;
            List<String> calls = new ArrayList<>();
            boolean commandStart = true;
            for (int k = start; k < tokens.size(); k++) {
                Token t = tokens.get(k);
                switch (t.kind()) {
                    case LBRACE, LPAREN -> {
                        depth++;
                        commandStart = true;
                    }
                    case RBRACE, RPAREN -> {
                        depth--;
                        commandStart = true;
                    }
                    case PIPE -> {
                        forks = true;
                        commandStart = true;
                    }
                    case SEPARATOR -> {
                        forks |= t.text().equals("&");
                        commandStart = true;
                    }
                    case WORD -> {
                        if (commandStart) {
                            calls.add(basename(normalizePath(t.text())));
                        }
                        commandStart = false;
                    }
                    case REDIRECT -> {}
                }
                if (depth <= 0 && k > start) {
                    break;
                }
            }
            functions.add(new FunctionDef(basename(name), List.copyOf(calls), forks));
            return start - 1;
        }

        private void flush(List<Token> words, List<String> redirects, int depth) {
            if (!words.isEmpty() || !redirects.isEmpty()) {
                simple(new ArrayList<>(words), new ArrayList<>(redirects), depth);
                shellFedByEcho(depth);
            }
            words.clear();
            redirects.clear();
        }

        void simple(List<Token> words, List<String> redirects, int depth) {
            int k = 0;
            while (true) {
                while (k < words.size() && isPrefix(words.get(k))) {
                    k++;
                }
                if (k >= words.size()) {
                    commands.add(new SimpleCommand("", List.of(), List.copyOf(redirects)));
                    return;
                }
                String program = basename(normalizePath(words.get(k).text()));
                List<String> args = new ArrayList<>();
                for (int a = k + 1; a < words.size(); a++) {
                    args.add(normalizePath(words.get(a).text()));
                }
                if (WRAPPERS.containsKey(program)) {
                    int next = afterWrapper(program, words, k + 1, depth);
                    if (next < 0) {
                        commands.add(new SimpleCommand(program, List.copyOf(args), List.copyOf(redirects)));
                        return;
                    }
                    k = next;
                    continue;
                }
                commands.add(new SimpleCommand(program, List.copyOf(args), List.copyOf(redirects)));
                nested(program, words.subList(k + 1, words.size()), depth);
                return;
            }
        }

        private static boolean isPrefix(Token w) {
            if (w.quoted() && !ASSIGNMENT.matcher(w.text()).matches()) {
                return false;
            }
            return KEYWORDS.contains(w.text()) || ASSIGNMENT.matcher(w.text()).matches();
        }

        /**
         * Skips a wrapper's options and positional values; returns the index of the wrapped command, or -1 when
         * the wrapper runs nothing (e.g. {@code command -v reboot} only looks a name up).
         */
        private int afterWrapper(String wrapper, List<Token> words, int from, int depth) {
            Set<String> valued = WRAPPERS.get(wrapper);
            int k = from;
            while (k < words.size()) {
                String w = words.get(k).text();
                if (w.equals("--")) {
                    k++;
                    break;
                }
                if (!w.startsWith("-") || w.equals("-")) {
                    if (wrapper.equals("env") && w.contains("=")) {
                        k++;
                        continue;
                    }
                    break;
                }
                if (wrapper.equals("command") && (w.contains("v") || w.contains("V"))) {
                    return -1;
                }
                if (wrapper.equals("env") && (w.equals("-S") || w.equals("--split-string")) && k + 1 < words.size()) {
                    text(words.get(k + 1).text(), depth + 1);
                }
                if (w.startsWith("-S") && w.length() > 2 && wrapper.equals("env")) {
                    text(w.substring(2), depth + 1);
                }
                String name = w.contains("=") ? w.substring(0, w.indexOf('=')) : w;
                k += valued.contains(name) && !w.contains("=") ? 2 : 1;
            }
            int positionals = WRAPPER_POSITIONALS.getOrDefault(wrapper, 0);
            if (wrapper.equals("flock")
                    && k < words.size()
                    && words.get(k).text().chars().allMatch(Character::isDigit)) {
                return -1;
            }
            k += positionals;
            return k < words.size() ? k : -1;
        }

        /** {@code echo reboot | sh}: a shell reading its script from an echo or printf is running that text. */
        private void shellFedByEcho(int depth) {
            SimpleCommand fed = commands.isEmpty() ? null : commands.getLast();
            SimpleCommand source = pipedFrom;
            pipedFrom = null;
            if (source == null
                    || fed == null
                    || !SHELLS.contains(fed.program())
                    || !(source.program().equals("echo") || source.program().equals("printf"))
                    || !fed.args().stream().allMatch(a -> a.startsWith("-"))) {
                return;
            }
            text(String.join(" ", source.args()), depth + 1);
        }

        /** Commands hidden in arguments: {@code sh -c '...'}, {@code eval ...}, {@code su -c '...'}. */
        private void nested(String program, List<Token> args, int depth) {
            if (program.equals("eval")) {
                StringBuilder joined = new StringBuilder();
                args.forEach(a -> joined.append(a.text()).append(' '));
                text(joined.toString(), depth + 1);
                return;
            }
            boolean shell = SHELLS.contains(program);
            if (!shell && !program.equals("su")) {
                return;
            }
            for (int k = 0; k < args.size(); k++) {
                String a = args.get(k).text();
                boolean dashC = a.equals("--command")
                        || a.equals("-c")
                        || (shell && a.startsWith("-") && !a.startsWith("--") && a.indexOf('c') > 0);
                if (dashC && k + 1 < args.size()) {
                    text(args.get(k + 1).text(), depth + 1);
                    return;
                }
                if (a.startsWith("--command=")) {
                    text(a.substring("--command=".length()), depth + 1);
                    return;
                }
            }
        }

        private static String basename(String word) {
            int slash = word.lastIndexOf('/');
            String base = slash >= 0 && slash < word.length() - 1 ? word.substring(slash + 1) : word;
            return base;
        }
    }
}
