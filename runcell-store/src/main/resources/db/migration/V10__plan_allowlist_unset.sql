-- A plan's command_allowlist may now be JSON null: "the server's configured allowlist" (--command-allowlist).
-- Until now a list equal to the default ["ls","rm","du"] meant that, so such plans (the seeded ones included) become
-- null and keep their behaviour; from here on an explicit list, even ["ls","rm","du"], holds its plan to it.
UPDATE plans SET command_allowlist = 'null' WHERE command_allowlist = '["ls","rm","du"]';
