/** The registry of CLI subcommands. Add a command here and in its own file. */
import type { CommandEntry } from '../io';
import { adviseCommand } from './advise';
import { compareCommand } from './compare';
import { inspectCommand } from './inspect';
import { optimizeCommand } from './optimize';
import { profileCommand } from './profile';
import { sweepCommand } from './sweep';

export const commands: Record<string, CommandEntry> = {
  inspect: inspectCommand,
  optimize: optimizeCommand,
  compare: compareCommand,
  profile: profileCommand,
  advise: adviseCommand,
  sweep: sweepCommand,
};
