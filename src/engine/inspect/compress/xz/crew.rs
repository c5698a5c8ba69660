//! The threads the workers of one stream run on: started once, given one
//! block after another. A thread per block would leave each block's
//! dictionary and buffers to a different allocator arena, and the process
//! kept tens of MiB it no longer used; on the same threads, each block
//! reuses the memory the one before it freed.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

type Task = Box<dyn FnOnce() + Send>;

/// Threads that run tasks in the order given; started with the first
/// task (a stream whose blocks are all decoded in place starts none), they
/// end when the crew is dropped.
pub struct Crew {
    threads: usize,
    tasks: Option<Sender<Task>>,
}

impl Crew {
    pub fn new(threads: usize) -> Crew {
        Crew {
            threads,
            tasks: None,
        }
    }

    /// Runs `task` on the first thread free.
    pub fn run(&mut self, task: impl FnOnce() + Send + 'static) {
        let threads = self.threads;
        let tasks = self.tasks.get_or_insert_with(|| start(threads));
        // The threads end only once this sender is dropped.
        let _ = tasks.send(Box::new(task));
    }
}

fn start(threads: usize) -> Sender<Task> {
    let (tasks, queue) = channel::<Task>();
    let queue = Arc::new(Mutex::new(queue));
    for _ in 0..threads {
        let queue = Arc::clone(&queue);
        std::thread::spawn(move || run(&queue));
    }
    tasks
}

fn run(queue: &Mutex<Receiver<Task>>) {
    loop {
        let task = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match task {
            Ok(task) => task(),
            Err(_) => return, // the crew is dropped
        }
    }
}
