//! Microbenchmark of the row kernels (development aid).
fn main() {
    use classify_models::Features;
    let n = 60_000;
    let d = 784;
    let x = ndarray::Array2::from_shape_fn((n, d), |(i, j)| ((i * 7 + j * 13) % 256) as u8);
    let f = Features::U8(x.view());
    let w = vec![0.001f32; d];
    let t = std::time::Instant::now();
    let mut s = 0.0f32;
    for _ in 0..10 {
        for i in 0..n {
            s += classify_models::bench_dot(&w, f.row(i));
        }
    }
    println!(
        "dot u8: {:.2} ms per pass ({s})",
        t.elapsed().as_secs_f64() * 100.0
    );
    let mut w2 = w.clone();
    let t = std::time::Instant::now();
    for _ in 0..10 {
        for i in 0..n {
            classify_models::bench_axpy(&mut w2, 1e-6, f.row(i));
        }
    }
    println!(
        "axpy u8: {:.2} ms per pass ({})",
        t.elapsed().as_secs_f64() * 100.0,
        w2[0]
    );
}
