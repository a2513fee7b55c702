# pipeline/steps.py
from stackwise import step, log_artifact_metadata
from stackwise.client import Client
from typing import Annotated, Tuple, Dict, Any, Optional
import pandas as pd
import numpy as np
from sklearn.base import ClassifierMixin


# ──────────────────────────────────────────────────────────────
# Step 1: Data Loading
# ──────────────────────────────────────────────────────────────

@step
def load_and_validate_data(
    dataset_uri: str,
) -> Tuple[
    Annotated[pd.DataFrame, "raw_dataframe"],
    Annotated[Dict[str, Any], "data_profile"],
]:
    """Load dataset from URI and compute a basic data profile."""
    df = pd.read_parquet(dataset_uri)

    # Validate schema
    required_cols = {"user_id", "feature_1", "feature_2", "feature_3", "label"}
    missing = required_cols - set(df.columns)
    if missing:
        raise ValueError(f"Missing required columns: {missing}")

    profile = {
        "num_rows": len(df),
        "num_columns": df.shape[1],
        "null_counts": df.isnull().sum().to_dict(),
        "label_distribution": df["label"].value_counts(normalize=True).to_dict(),
        "feature_dtypes": {c: str(df[c].dtype) for c in df.columns},
    }

    # ZenML: log metadata alongside the artifact
    log_artifact_metadata(
        artifact_name="raw_dataframe",
        metadata={
            "num_rows": len(df),
            "source_uri": dataset_uri,
        },
    )

    return df, profile


# ──────────────────────────────────────────────────────────────
# Step 2: Feature Engineering
# ──────────────────────────────────────────────────────────────

@step
def engineer_features(
    raw_df: pd.DataFrame,
    profile: Dict[str, Any],
    test_fraction: float = 0.2,
) -> Tuple[
    Annotated[pd.DataFrame, "X_train"],
    Annotated[pd.DataFrame, "X_test"],
    Annotated[pd.Series, "y_train"],
    Annotated[pd.Series, "y_test"],
]:
    """Feature engineering and train/test split."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    df = raw_df.copy()

    # Feature engineering
    df["interaction_1_2"] = df["feature_1"] * df["feature_2"]
    df["log_feature_3"] = np.log1p(df["feature_3"].clip(lower=0))

    feature_cols = [c for c in df.columns if c not in {"user_id", "label"}]
    X = df[feature_cols]
    y = df["label"]

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_fraction, random_state=42, stratify=y
    )

    scaler = StandardScaler()
    X_train_scaled = pd.DataFrame(
        scaler.fit_transform(X_train), columns=X_train.columns, index=X_train.index
    )
    X_test_scaled = pd.DataFrame(
        scaler.transform(X_test), columns=X_test.columns, index=X_test.index
    )

    return X_train_scaled, X_test_scaled, y_train, y_test


# ──────────────────────────────────────────────────────────────
# Step 3: Model Training (with experiment tracking)
# ──────────────────────────────────────────────────────────────

@step(experiment_tracker="mlflow_tracker")  # Uses the active stack's tracker
def train_model(
    X_train: pd.DataFrame,
    y_train: pd.Series,
    n_estimators: int = 100,
    max_depth: int = 5,
    learning_rate: float = 0.1,
) -> Annotated[ClassifierMixin, "trained_model"]:
    """Train a GBM model with experiment tracking."""
    import mlflow
    from sklearn.ensemble import GradientBoostingClassifier

    # mlflow is automatically configured by ZenML based on the active stack
    # When stack uses Vertex Experiments, mlflow calls route there instead
    mlflow.log_params({
        "n_estimators": n_estimators,
        "max_depth": max_depth,
        "learning_rate": learning_rate,
    })

    model = GradientBoostingClassifier(
        n_estimators=n_estimators,
        max_depth=max_depth,
        learning_rate=learning_rate,
        random_state=42,
    )
    model.fit(X_train, y_train)

    train_preds = model.predict_proba(X_train)[:, 1]
    from sklearn.metrics import roc_auc_score
    train_auc = roc_auc_score(y_train, train_preds)
    mlflow.log_metric("train_auc", train_auc)

    return model


# ──────────────────────────────────────────────────────────────
# Step 4: Evaluation
# ──────────────────────────────────────────────────────────────

@step
def evaluate_model(
    model: ClassifierMixin,
    X_test: pd.DataFrame,
    y_test: pd.Series,
) -> Annotated[Dict[str, float], "evaluation_metrics"]:
    """Evaluate model on test set."""
    from sklearn.metrics import roc_auc_score, average_precision_score, f1_score

    preds_proba = model.predict_proba(X_test)[:, 1]
    preds = (preds_proba >= 0.5).astype(int)

    metrics = {
        "roc_auc": float(roc_auc_score(y_test, preds_proba)),
        "avg_precision": float(average_precision_score(y_test, preds_proba)),
        "f1": float(f1_score(y_test, preds)),
    }

    log_artifact_metadata(
        artifact_name="evaluation_metrics",
        metadata=metrics,
    )

    return metrics


# ──────────────────────────────────────────────────────────────
# Step 5: Conditional Deployment
# ──────────────────────────────────────────────────────────────

@step
def deploy_model_step(
    model: ClassifierMixin,
    evaluation_metrics: Dict[str, float],
    deploy_threshold: float = 0.85,
) -> Optional[str]:
    """Deploy model if it passes the quality threshold."""
    from stackwise.client import Client
    from stackwise.integrations.mlflow.model_deployers import MLFlowModelDeployer

    roc_auc = evaluation_metrics["roc_auc"]

    if roc_auc < deploy_threshold:
        print(f"Model AUC {roc_auc:.4f} below threshold {deploy_threshold}. Skipping deployment.")
        return None

    # ZenML deployment - routes to the active stack's model deployer
    # (MLflow local server, Seldon, BentoML, or Vertex AI depending on stack)
    client = Client()
    model_deployer = client.active_stack.model_deployer

    if model_deployer is None:
        print("No model deployer in active stack. Skipping deployment.")
        return None

    deployment_info = model_deployer.deploy_model(
        config={
            "model": model,
            "model_name": "fraud-detector",
            "replicas": 1,
        }
    )

    print(f"Model deployed: {deployment_info}")
    return str(deployment_info)
