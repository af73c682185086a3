@echo off
chcp 936 >nul
setlocal
cd /d "%~dp0"
title 生成模板 @TITLE@
rem 由 tools/make_bundle.py 生成：GBK 编码、Windows 换行（cmd.exe 按代码页 936 读中文）。
set "PYTHONPATH="
set "PYTHONHOME="
set "PY=%~dp0venv\Scripts\python.exe"
if not exist "%PY%" goto notinstalled
set "CONFIG=config.toml"
if exist "检查活动设置.xlsx" set "CONFIG=检查活动设置.xlsx"
echo 按“%CONFIG%”生成本次检查要发出的全部空白表格，放在 templates 文件夹……
echo.
"%PY%" process.py templates --config "%CONFIG%"
if not "%errorlevel%"=="0" goto failed
echo.
echo ======================== 生成完成 ========================
echo 已为你打开 templates 文件夹：把其中的表格发给各检查组和报送单位。
echo 报回的表格放进 input 文件夹后，双击“汇总.bat”。
start "" "%~dp0templates"
goto end

:notinstalled
echo 还没有安装：请先双击“安装.bat”，看到“安装成功”后再双击本文件。
goto end

:failed
echo.
echo ======================== 生成失败 ========================
echo 原因见上面以“无法运行”或“程序出错”开头的一行：多是“%CONFIG%”中有写错的地方，按提示改好后再双击本文件。
echo 提示“程序出错”时，请把 output 文件夹里的“错误记录_……txt”发给维护人员。

:end
echo.
pause
