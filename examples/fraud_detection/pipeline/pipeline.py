# pipeline/pipeline.py
from stackwise import pipeline
from pipeline.steps import (
    load_and_validate_data,
    engineer_features,
    train_model,
    evaluate_model,
    deploy_model_step,
)

@pipeline(name="fraud-detection-training", enable_cache=True)
def fraud_detection_pipeline(
    dataset_uri: str = "data/features.parquet",
    test_fraction: float = 0.2,
    n_estimators: int = 100,
    max_depth: int = 5,
    learning_rate: float = 0.1,
    deploy_threshold: float = 0.85,
):
    raw_df, profile = load_and_validate_data(dataset_uri=dataset_uri)
    X_train, X_test, y_train, y_test = engineer_features(
        raw_df=raw_df,
        profile=profile,
        test_fraction=test_fraction,
    )
    model = train_model(
        X_train=X_train,
        y_train=y_train,
        n_estimators=n_estimators,
        max_depth=max_depth,
        learning_rate=learning_rate,
    )
    metrics = evaluate_model(model=model, X_test=X_test, y_test=y_test)
    deploy_model_step(
        model=model,
        evaluation_metrics=metrics,
        deploy_threshold=deploy_threshold,
    )
