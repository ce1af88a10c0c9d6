/** Moving files into and out of a sandbox's {@code /workspace}, always from inside the sandbox. */
package io.runcell.core.files;
