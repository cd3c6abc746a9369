// Child process for the "killed after the effect, before the offset commit" test.
import { startProbe } from './probe-app';

void startProbe();
