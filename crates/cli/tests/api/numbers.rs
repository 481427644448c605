use fazhi_core::enforcement::rules::next_number;

use crate::helpers::*;

/// Numbers per prefix and year, gap-free, never twice — also when many are taken at once.
#[tokio::test]
async fn case_numbers_are_allocated_once_per_prefix_and_year() {
    for db in backends() {
        let app = spawn_app(db).await;
        let take = |prefix: &'static str, year: i32| {
            let store = app.store.clone();
            async move {
                let mut tx = store.begin().await.unwrap();
                let n = next_number(&mut tx, prefix, year).await.unwrap();
                tx.commit().await.unwrap();
                n
            }
        };
        let mut handles = Vec::new();
        for _ in 0..20 {
            handles.push(tokio::spawn(take("诸市监罚", 2024)));
        }
        let mut seqs = Vec::new();
        for h in handles {
            seqs.push(h.await.unwrap().seq);
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=20).collect::<Vec<u32>>(), "{db:?}");
        assert_eq!(
            take("诸市监罚", 2025).await.to_string(),
            "诸市监罚〔2025〕1号"
        );
        assert_eq!(
            take("诸综执罚", 2024).await.to_string(),
            "诸综执罚〔2024〕1号"
        );
        assert_eq!(
            take("诸市监罚", 2024).await.to_string(),
            "诸市监罚〔2024〕21号"
        );
        // A rolled-back allocation is not used up.
        let mut tx = app.store.begin().await.unwrap();
        let n = next_number(&mut tx, "诸市监罚", 2024).await.unwrap();
        assert_eq!(n.seq, 22);
        drop(tx);
        assert_eq!(take("诸市监罚", 2024).await.seq, 22);
    }
}
