/** The action's entry: everything happens in run(). */
import { run } from './main.js'

void run()
