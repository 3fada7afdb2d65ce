//! Reading ../shared/data's CSV files, for the benchmarks that measure on real data.

pub fn shared(path: &str) -> csv::Reader<std::fs::File> {
    let full = format!("{}/../../shared/data/{path}", env!("CARGO_MANIFEST_DIR"));
    csv::Reader::from_path(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The positions of the named columns (a missing one stops the benchmark, naming it).
pub fn columns<const N: usize>(reader: &mut csv::Reader<std::fs::File>, names: [&str; N]) -> [usize; N] {
    let headers = reader.headers().unwrap().clone();
    names.map(|name| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}")))
}

/// splitmix64: a tiny seeded generator, so every run draws the same points and places.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn gaussian(&mut self) -> f64 {
        (-2.0 * (1.0 - self.next()).ln()).sqrt() * (std::f64::consts::TAU * self.next()).cos()
    }
}
