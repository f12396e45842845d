import torch
from transformers import AutoImageProcessor, Mask2FormerForUniversalSegmentation

VARIANTS = [
    "facebook/mask2former-swin-tiny-coco-instance",
    "facebook/mask2former-swin-large-coco-panoptic",
]


def load_all():
    models = []
    for checkpoint in VARIANTS:
        processor = AutoImageProcessor.from_pretrained(checkpoint)
        models.append((processor, Mask2FormerForUniversalSegmentation.from_pretrained(checkpoint)))
    return models


def local():
    return Mask2FormerForUniversalSegmentation.from_pretrained("visionlab/weights")
