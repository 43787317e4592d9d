/**
 * Every file the engine creates is announced here after it lands (writeModel, writeFileAtomic). A job
 * process forwards the announcements to its host, which removes the files if the process dies or is killed
 * before its job ends: a failed or cancelled job never leaves an output behind.
 */
let listener: ((file: string) => void) | undefined;

export function setArtifactListener(l: ((file: string) => void) | undefined): void {
  listener = l;
}

export function announceArtifact(file: string): void {
  listener?.(file);
}
