//! Work done on other threads, results taken in the order the work was given.
//!
//! `parse` spends most of its time turning messages into text (JSON above
//! all), and each message's text depends on nothing but the message. The
//! calling thread keeps what has to stay in order (reading, TCP reassembly,
//! framing, writing); batches of messages go to worker threads; the rendered
//! batches come back and are written in the order they were sent, so the
//! output is byte for byte what one thread writes.
//!
//! Memory stays bounded: at most `in_flight` batches, weighing `max_weight`
//! together (a heavier batch goes alone), exist at a time, queued, being
//! rendered, or rendered and waiting for an earlier one; `push` writes
//! finished batches out while it waits for room.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, mpsc};

use anyhow::Result;

/// The calling thread's end: give batches with [`Ordered::push`], and the
/// results go to `consume` in the same order.
pub struct Ordered<J, R, C> {
    jobs: Option<mpsc::Sender<(u64, J)>>,
    done: mpsc::Receiver<(u64, std::thread::Result<R>)>,
    /// Results that came back ahead of an earlier one.
    waiting: BTreeMap<u64, R>,
    next_in: u64,
    next_out: u64,
    in_flight: u64,
    /// Weights of the batches out, oldest first, and their sum.
    weights: std::collections::VecDeque<usize>,
    weight: usize,
    max_weight: usize,
    consume: C,
    /// `consume` failed (a closed pipe, say): nothing more is written.
    broken: bool,
    /// The earliest batch whose work panicked, and the panic: raised once
    /// every batch before it is consumed, as on one thread.
    panicked: Option<(u64, Box<dyn std::any::Any + Send>)>,
}

impl<J, R, C: FnMut(R) -> Result<()>> Ordered<J, R, C> {
    /// Hand over one batch of `weight` (bytes, say); waits (writing what is
    /// done) while `in_flight` batches are out or the weight out would pass
    /// the bound.
    pub fn push(&mut self, job: J, weight: usize) -> Result<()> {
        if self.broken {
            anyhow::bail!("output stopped");
        }
        while self.next_in > self.next_out
            && (self.next_in - self.next_out >= self.in_flight
                || self.weight + weight > self.max_weight)
        {
            self.wait_one()?;
        }
        while let Ok(done) = self.done.try_recv() {
            self.take(done)?;
        }
        if let Some(tx) = &self.jobs {
            // The workers outlive the sender: they stop only when it is dropped.
            tx.send((self.next_in, job))
                .map_err(|_| anyhow::anyhow!("the rendering threads have stopped"))?;
        }
        self.next_in += 1;
        self.weights.push_back(weight);
        self.weight += weight;
        Ok(())
    }

    /// Wait for every batch and consume them all.
    pub fn finish(mut self) -> Result<()> {
        self.jobs = None;
        while self.next_out < self.next_in {
            self.wait_one()?;
        }
        Ok(())
    }

    fn wait_one(&mut self) -> Result<()> {
        let Ok(done) = self.done.recv() else {
            // Every worker is gone: a panic, if one is why, is the answer.
            if let Some((_, payload)) = self.panicked.take() {
                panic::resume_unwind(payload);
            }
            anyhow::bail!("the rendering threads have stopped");
        };
        self.take(done)
    }

    fn take(&mut self, (seq, result): (u64, std::thread::Result<R>)) -> Result<()> {
        match result {
            Ok(r) => {
                self.waiting.insert(seq, r);
            }
            Err(payload) => {
                if self.panicked.as_ref().is_none_or(|(p, _)| seq < *p) {
                    self.panicked = Some((seq, payload));
                }
            }
        }
        while let Some(r) = self.waiting.remove(&self.next_out) {
            self.next_out += 1;
            self.weight -= self.weights.pop_front().unwrap_or(0);
            if let Err(e) = (self.consume)(r) {
                self.broken = true;
                return Err(e);
            }
        }
        // A worker's panic is the program's: raised here once what came
        // before it is written, as if the work had been done on this thread.
        if self
            .panicked
            .as_ref()
            .is_some_and(|(p, _)| *p == self.next_out)
            && let Some((_, payload)) = self.panicked.take()
        {
            panic::resume_unwind(payload);
        }
        Ok(())
    }
}

/// Run `produce` on this thread with `workers` threads doing `work` on what
/// it pushes; each worker has its own state from `init`. Returns what
/// `produce` returns, once every batch it pushed is consumed, even when it
/// fails (what was read before an input error is written, as on one
/// thread); an error of `consume` stops everything at once.
pub fn run<J, R, S, T, C>(
    workers: usize,
    in_flight: usize,
    max_weight: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, J) -> R + Sync,
    consume: C,
    produce: impl FnOnce(&mut Ordered<J, R, C>) -> Result<T>,
) -> Result<T>
where
    J: Send,
    R: Send,
    C: FnMut(R) -> Result<()>,
{
    let (job_tx, job_rx) = mpsc::channel::<(u64, J)>();
    let (done_tx, done_rx) = mpsc::channel();
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            let done_tx = done_tx.clone();
            let (job_rx, init, work) = (&job_rx, &init, &work);
            s.spawn(move || {
                let mut state = init();
                loop {
                    // The lock is held only to take the next batch.
                    let next = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, job)) = next else { return };
                    let r = panic::catch_unwind(AssertUnwindSafe(|| work(&mut state, job)));
                    let failed = r.is_err();
                    if done_tx.send((seq, r)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut ordered = Ordered {
            jobs: Some(job_tx),
            done: done_rx,
            waiting: BTreeMap::new(),
            next_in: 0,
            next_out: 0,
            in_flight: in_flight.max(1) as u64,
            weights: std::collections::VecDeque::new(),
            weight: 0,
            max_weight,
            consume,
            broken: false,
            panicked: None,
        };
        let out = produce(&mut ordered);
        if ordered.broken {
            return out;
        }
        ordered.finish()?;
        out
        // On an error the Ordered is dropped here: the workers see the job
        // channel close (or their results refused) and stop, and the scope
        // joins them.
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_whatever_the_workers_take() {
        let mut got = Vec::new();
        run(
            4,
            3,
            usize::MAX,
            || 0u32,
            |calls, n: u64| {
                *calls += 1;
                // Early batches take longest, so later ones finish first.
                std::thread::sleep(std::time::Duration::from_micros((50 - n.min(50)) * 20));
                n * 10
            },
            |r| {
                got.push(r);
                Ok(())
            },
            |o| {
                for n in 0..100 {
                    o.push(n, 1)?;
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(got, (0..100).map(|n| n * 10).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_while_consuming_stops_everything() {
        let mut seen = 0;
        let r = run(
            2,
            2,
            usize::MAX,
            || (),
            |_, n: u32| n,
            |n| {
                seen += 1;
                if n == 5 {
                    anyhow::bail!("closed");
                }
                Ok(())
            },
            |o| {
                for n in 0..1000 {
                    o.push(n, 1)?;
                }
                Ok(())
            },
        );
        assert!(r.is_err());
        assert_eq!(seen, 6);
    }

    #[test]
    fn what_was_given_before_an_input_error_is_all_consumed() {
        let mut got = Vec::new();
        let r: Result<()> = run(
            2,
            3,
            usize::MAX,
            || (),
            |_, n: u32| n,
            |n| {
                got.push(n);
                Ok(())
            },
            |o| {
                for n in 0..10 {
                    o.push(n, 1)?;
                }
                anyhow::bail!("cannot read")
            },
        );
        assert_eq!(r.unwrap_err().to_string(), "cannot read");
        assert_eq!(got, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn heavy_batches_go_out_one_at_a_time() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // Weight 10 each against a bound of 15: never two out at once,
        // though the count would allow eight.
        let out = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let mut got = Vec::new();
        run(
            4,
            8,
            15,
            || (),
            |_, n: u32| {
                let now = out.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(1));
                n
            },
            |n| {
                out.fetch_sub(1, Ordering::SeqCst);
                got.push(n);
                Ok(())
            },
            |o| {
                for n in 0..20 {
                    o.push(n, 10)?;
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(got, (0..20).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_worker_panic_reaches_the_caller_after_what_came_before() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let got = std::sync::Mutex::new(Vec::new());
        let seven = AtomicBool::new(false);
        let r = std::panic::catch_unwind(|| {
            run(
                2,
                4,
                usize::MAX,
                || (),
                |_, n: u32| {
                    // Batch 6 finishes only after batch 7 has panicked.
                    if n == 6 {
                        let start = std::time::Instant::now();
                        while !seven.load(Ordering::SeqCst)
                            && start.elapsed() < std::time::Duration::from_secs(5)
                        {
                            std::thread::sleep(std::time::Duration::from_millis(1));
                        }
                        // Long enough for the panic's report (a backtrace
                        // when RUST_BACKTRACE is set) and its result.
                        std::thread::sleep(std::time::Duration::from_millis(500));
                    }
                    if n == 7 {
                        seven.store(true, Ordering::SeqCst);
                        panic!("boom");
                    }
                    n
                },
                |n| {
                    got.lock().unwrap().push(n);
                    Ok(())
                },
                |o| {
                    for n in 0..20 {
                        o.push(n, 1)?;
                    }
                    Ok(())
                },
            )
        });
        assert!(r.is_err());
        assert_eq!(*got.lock().unwrap(), (0..7).collect::<Vec<_>>());
    }
}
