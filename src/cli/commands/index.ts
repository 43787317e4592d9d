/** The registry of CLI subcommands. Add a command here and in its own file. */
import type { Command } from '../io';
import { adviseCommand } from './advise';
import { compareCommand } from './compare';
import { inspectCommand } from './inspect';
import { optimizeCommand } from './optimize';
import { profileCommand } from './profile';
import { sweepCommand } from './sweep';

export interface CommandEntry {
  readonly summary: string;
  readonly usage: string;
  readonly run: Command;
}

export const commands: Record<string, CommandEntry> = {
  inspect: inspectCommand,
  optimize: optimizeCommand,
  compare: compareCommand,
  profile: profileCommand,
  advise: adviseCommand,
  sweep: sweepCommand,
};
