//! Prints a confusion matrix and a classification report for a small example.
//!
//! `cargo run -p classify-metrics --example report`

fn main() -> Result<(), classify_metrics::Error> {
    use classify_metrics::*;
    let y_true = [
        "cat", "dog", "dog", "bird", "cat", "dog", "bird", "cat", "dog", "dog",
    ];
    let y_pred = [
        "cat", "dog", "cat", "bird", "cat", "dog", "dog", "cat", "dog", "bird",
    ];
    println!("{}", confusion_matrix(&y_true, &y_pred)?);
    let normalized = confusion_matrix_with(
        &y_true,
        &y_pred,
        &ConfusionOptions {
            normalize: Some(Normalize::True),
            ..Default::default()
        },
    )?;
    println!("{normalized:.2}");
    print!(
        "{}",
        classification_report(&y_true, &y_pred, &ReportOptions::default())?
    );
    Ok(())
}
