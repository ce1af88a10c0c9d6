package io.runcell.core.sandbox;

/**
 * Node-wide settings of sandboxes.
 *
 * @param nodeId   the node that owns sandboxes created here
 * @param uidBase  a sandbox's host uid is {@code uidBase + number}; must leave room below the uid maximum
 * @param tmpSizeMb size of each sandbox's private /tmp
 */
public record SandboxSettings(String nodeId, int uidBase, int tmpSizeMb) {

    public static final SandboxSettings DEFAULTS = new SandboxSettings("local", 200_000, 64);
}
