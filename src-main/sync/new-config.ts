/**
 * What a configuration made from scratch in the app starts with where it differs from the schema's defaults
 * (`config.ts`): the safer choice for a salesperson's first setup (issue #18 item 9). Plain data, no zod, so the
 * window can use it too.
 *
 * The schema's own defaults stay as they were on purpose: they also fill the fields a configuration already in use
 * leaves out (a command-line JSON file, a settings file of an older version), and changing one there would change
 * what such a configuration syncs — "only my firms" would narrow the address book of every existing setup.
 */
export const NEW_CONFIG_DEFAULTS = {
  parts: {
    /** Only firms the signed-in ABRA user is responsible for, not the whole firm register. */
    addressBook: { onlyMine: true },
  },
} as const;
