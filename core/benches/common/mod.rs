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
