"""The 隐患整改跟踪表: its template, its reader and checks, what it stores."""
