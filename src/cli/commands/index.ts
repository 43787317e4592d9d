/** The registry of CLI subcommands. Add a command here and in its own file. */
import type { Command } from '../io';
import { inspectCommand } from './inspect';

export interface CommandEntry {
  readonly summary: string;
  readonly usage: string;
  readonly run: Command;
}

export const commands: Record<string, CommandEntry> = {
  inspect: inspectCommand,
};
