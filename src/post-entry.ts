/** The action's post entry (dist/post.js): everything happens in runPost(). */
import { runPost } from './post.js'

await runPost()
