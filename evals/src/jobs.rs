//! The work queue of the rate–distortion evaluations: every contender at every setting
//! on every file, measured once each on a few threads, results in a fixed order.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The jobs of an evaluation: each contender's settings crossed with every file index
/// (`0..files`), contender by contender, setting by setting.
pub(crate) fn job_grid<C: Copy, S: Copy>(
    contenders: &[(C, Vec<S>)],
    files: usize,
) -> Vec<(C, S, usize)> {
    contenders
        .iter()
        .flat_map(|(contender, settings)| {
            settings
                .iter()
                .flat_map(move |&setting| (0..files).map(move |file| (*contender, setting, file)))
        })
        .collect()
}

/// How the jobs of an evaluation report themselves while they run.
pub(crate) struct Progress<'a, J> {
    /// What a job is, e.g. "jpeg q50 on photo.png".
    pub describe: &'a (dyn Fn(&J) -> String + Sync),
    /// Receives "[i/n] what" as each job starts.
    pub report: &'a (dyn Fn(&str) + Sync),
}

/// Runs `work(job)` on every job with `threads` workers (0 = one per available core,
/// never more than there are jobs), reporting "[i/n] job" to `progress` as each starts,
/// and returns the results in the jobs' order. A job whose `work` panics gets
/// `stopped(job)` instead, and the others still run: one failing coder never loses the
/// rest of an hour-long evaluation.
pub(crate) fn run_jobs<J: Sync, T: Send>(
    jobs: &[J],
    threads: usize,
    progress: Progress<'_, J>,
    work: impl Fn(&J) -> T + Sync,
    stopped: impl Fn(&J) -> T,
) -> Vec<T> {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len())
    .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new(jobs.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(index) else {
                    break;
                };
                (progress.report)(&format!(
                    "[{}/{}] {}",
                    index + 1,
                    jobs.len(),
                    (progress.describe)(job)
                ));
                let result = catch_unwind(AssertUnwindSafe(|| work(job))).ok();
                if let Ok(mut slots) = results.lock() {
                    slots[index] = result;
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .zip(jobs)
        .map(|(result, job)| result.unwrap_or_else(|| stopped(job)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_crosses_settings_with_files_in_order() {
        let contenders = [('a', vec![1, 2]), ('b', vec![7])];
        assert_eq!(
            job_grid(&contenders, 2),
            [
                ('a', 1, 0),
                ('a', 1, 1),
                ('a', 2, 0),
                ('a', 2, 1),
                ('b', 7, 0),
                ('b', 7, 1)
            ]
        );
        assert!(job_grid(&contenders, 0).is_empty());
    }

    fn quiet<J>() -> Progress<'static, J> {
        Progress {
            describe: &|_| String::new(),
            report: &|_| {},
        }
    }

    #[test]
    fn every_job_is_reported_once_with_its_number_and_the_count() {
        let jobs = ['a', 'b', 'c'];
        let lines = Mutex::new(Vec::new());
        let report = |line: &str| lines.lock().unwrap().push(line.to_string());
        run_jobs(
            &jobs,
            2,
            Progress {
                describe: &|job: &char| format!("job {job}"),
                report: &report,
            },
            |&job| job,
            |&job| job,
        );
        let mut lines = lines.into_inner().unwrap();
        lines.sort();
        assert_eq!(lines, ["[1/3] job a", "[2/3] job b", "[3/3] job c"]);
    }

    #[test]
    fn results_keep_the_job_order_on_any_thread_count() {
        let jobs: Vec<u64> = (0..37).collect();
        for threads in [0, 1, 3, 100] {
            let results = run_jobs(&jobs, threads, quiet(), |&job| job * job, |_| 0);
            let expected: Vec<u64> = jobs.iter().map(|&j| j * j).collect();
            assert_eq!(results, expected, "{threads} threads");
        }
        let none: Vec<u8> = run_jobs(&[], 2, quiet(), |&j: &u8| j, |_| 0);
        assert!(none.is_empty());
    }

    #[test]
    fn a_panicking_job_gets_the_stand_in_and_the_others_still_run() {
        let jobs = [1, 2, 3, 4];
        let results = run_jobs(
            &jobs,
            1,
            quiet(),
            |&job| {
                assert_ne!(job, 3, "job 3 fails");
                job * 10
            },
            |&job| -job,
        );
        assert_eq!(results, [10, 20, -3, 40]);
    }
}
