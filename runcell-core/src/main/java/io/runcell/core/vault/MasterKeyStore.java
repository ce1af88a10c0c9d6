package io.runcell.core.vault;

/** Port: where the node's master key lives (a key file or an environment variable), and its rotation. */
public interface MasterKeyStore {

    /** The cipher under the current master key. */
    SecretCipher current();

    /**
     * Starts a rotation: a cipher under a fresh random key, already saved aside (so a crash after the store was
     * re-encrypted does not lose it) but not yet current.
     */
    Rotation begin();

    /** A rotation in progress. */
    interface Rotation {

        SecretCipher cipher();

        /**
         * Makes the new key current (atomically replacing the key file). Returns a message for the operator when
         * they must act (the key came from an environment variable: the new key to set), else null.
         */
        String commit();
    }
}
