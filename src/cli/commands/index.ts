/** The registry of CLI subcommands. Add a command here and in its own file. */
import type { Command } from '../io';
import { compareCommand } from './compare';
import { inspectCommand } from './inspect';
import { optimizeCommand } from './optimize';
import { profileCommand } from './profile';

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
};
