from ultralytics import RTDETR, SAM, YOLO, YOLOWorld


def detector():
    return YOLO("yolov8n.yaml").load("yolov8n.pt")


def transformer_detector():
    return RTDETR("rtdetr-l.pt")


def segmenter():
    return SAM("sam2.1_b.pt")


def open_vocab():
    world = YOLOWorld("yolov8s-worldv2.pt")
    world.set_classes(["person", "bus"])
    return world


def finetuned():
    return YOLO("runs/detect/train3/weights/best.pt")


def resume():
    return YOLO("last.pt")
