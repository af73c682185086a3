@echo off
chcp 936 >nul
setlocal
pushd "%~dp0"
title 演示 @TITLE@
rem 由 tools/make_bundle.py 生成：GBK 编码、Windows 换行（cmd.exe 按代码页 936 读中文）。
set "PYTHONPATH="
set "PYTHONHOME="
set "PY=%~dp0venv\Scripts\python.exe"
if not exist "%PY%" goto notinstalled
"%PY%" "%~dp0process.py" --version >nul 2>nul
if errorlevel 1 goto unfinished
echo 演示：按 config.toml 中的检查（信阳市 2023 年县际异地交叉检查）生成全部空白表格，
echo 模拟各检查组填好报回（故意缺一个县区、一份表格带提醒），再汇总成排名汇总表。
echo 演示用的文件都在 demo 文件夹里，不影响正式使用的 input、output、templates 文件夹。
echo.
"%PY%" "%~dp0process.py" demo --config config.toml --templates demo\templates --input demo\input --output demo\output
if not "%errorlevel%"=="0" goto failed
echo.
echo ======================== 演示完成 ========================
echo 已为你打开 demo\output 文件夹：用 Excel 或 WPS 打开其中的“排名汇总_……xlsx”，
echo 看排名、扣分原因、校验报告和催报清单；“催报消息_……txt”可直接转发。
start "" "%~dp0demo\output"
goto end

:notinstalled
echo 还没有安装：请先双击“安装.bat”，看到“安装成功”后再双击本文件。
goto end

:unfinished
echo 安装没有完成（运行环境 venv 不完整，可能安装时被中断了）：请再双击一次“安装.bat”，
echo 看到“安装成功”后再双击本文件。
goto end

:failed
echo.
echo ======================== 演示失败 ========================
echo 原因见上面以“无法运行”或“程序出错”开头的一行。
echo 提示“程序出错”时，请把 demo\output 文件夹里的“错误记录_……txt”发给维护人员。
echo 如果提示找不到 Python（No Python at ……），说明 Python 被卸载或升级了：请再双击一次“安装.bat”。

:end
popd 2>nul
echo.
pause
