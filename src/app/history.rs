//! Short histories of live numbers (the last few minutes of samples) for sparklines.

use std::collections::VecDeque;

/// Samples kept per series: five minutes at the default five-second interval.
pub const SAMPLES: usize = 60;

/// One number over time, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series(VecDeque<f64>);

impl Series {
    pub fn push(&mut self, value: f64) {
        if self.0.len() == SAMPLES {
            self.0.pop_front();
        }
        self.0.push_back(value);
    }

    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last `width` samples as block characters, scaled to `max` (or to the largest
    /// sample when `max` is 0).
    pub fn sparkline(&self, width: usize, max: f64) -> String {
        const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
        let skip = self.0.len().saturating_sub(width);
        let top = if max > 0.0 {
            max
        } else {
            self.values().fold(0.0, f64::max)
        };
        self.values()
            .skip(skip)
            .map(|v| {
                let level = if top > 0.0 {
                    (v / top).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                BARS[(level * 7.0).round() as usize]
            })
            .collect()
    }
}

/// A VM's (or a host's guests') CPU % and memory in use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub cpu_percent: Series,
    pub memory_bytes: Series,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_samples_and_draws_them() {
        let mut series = Series::default();
        for v in 0..(SAMPLES + 5) {
            series.push(v as f64);
        }
        assert_eq!(series.values().count(), SAMPLES);
        assert_eq!(series.values().next(), Some(5.0));
        let mut small = Series::default();
        for v in [0.0, 50.0, 100.0] {
            small.push(v);
        }
        assert_eq!(small.sparkline(10, 100.0), "▁▅█");
        assert_eq!(small.sparkline(2, 0.0), "▅█");
    }
}
